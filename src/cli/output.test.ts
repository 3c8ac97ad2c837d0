import assert from 'node:assert/strict';
import { Progress, table, type Out } from './output.js';

function sink(isTTY: boolean, columns?: number): Out & { text: string } {
  const o = { text: '', isTTY, columns, write(s: string) { o.text += s; } };
  return o;
}

describe('cli output', () => {
  it('a table in a pipe: no colour, nothing cut', () => {
    const o = sink(false);
    table(['TOPIC', 'PARTITIONS'], [['a'.repeat(150), 3]], o);
    assert.equal(o.text, `${'TOPIC'.padEnd(150)}  PARTITIONS\n${'a'.repeat(150)}  3\n`);
  });

  it('a table on a terminal: bold header, cut to the terminal\'s width', () => {
    const saved = process.env['NO_COLOR'];
    delete process.env['NO_COLOR'];
    const o = sink(true, 60);
    try {
      table(['TOPIC', 'PARTITIONS', 'REPLICAS'], [['t'.repeat(100), 3, 1]], o);
      const lines = o.text.split('\n').filter((l) => l !== '');
      assert.match(lines[0] ?? '', /^\x1b\[1m/);
      for (const l of lines) assert.ok(l.replace(/\x1b\[[0-9;]*m/g, '').length <= 60, `fits 60 columns: ${l}`);
      assert.match(lines[1] ?? '', /t…  3 +1$/);
    } finally {
      if (saved !== undefined) process.env['NO_COLOR'] = saved;
    }
  });

  it('progress only on a terminal, and cleared when done', () => {
    const pipe = sink(false);
    const p = new Progress('consumed', 10, pipe, () => 1000);
    p.update(5);
    p.done();
    assert.equal(pipe.text, '');
    const tty = sink(true);
    const q = new Progress('consumed', 10, tty, () => 1000);
    q.update(10);
    q.done();
    assert.equal(tty.text, '\r\x1b[Kconsumed 10/10\r\x1b[K');
  });
});
