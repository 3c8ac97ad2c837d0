import assert from 'node:assert/strict';
import { FrameDecoder } from './frame-decoder.js';
import { FramePool } from './frame-pool.js';

const frame = (body: string): Buffer => {
  const b = Buffer.from(body);
  const size = Buffer.alloc(4);
  size.writeInt32BE(b.length);
  return Buffer.concat([size, b]);
};

describe('FrameDecoder', () => {
  it('splits frames arriving together and across chunk boundaries', () => {
    const d = new FrameDecoder(1024);
    const all = Buffer.concat([frame('hello'), frame(''), frame('world!')]);
    const out: string[] = [];
    for (let i = 0; i < all.length; i += 3) {
      for (const r of d.push(all.subarray(i, i + 3))) {
        assert.equal(r.kind, 'frame');
        if (r.kind === 'frame') out.push(r.frame.toString());
      }
    }
    assert.deepEqual(out, ['hello', '', 'world!']);
    assert.equal(d.bufferedBytes, 0);
  });

  it('holds a partial frame until it is complete', () => {
    const d = new FrameDecoder(1024);
    const f = frame('abcdef');
    assert.deepEqual(d.push(f.subarray(0, 7)), []);
    const r = d.push(f.subarray(7));
    assert.equal(r.length, 1);
  });

  it('reports a size above the limit once and then ignores input', () => {
    const d = new FrameDecoder(10);
    const r = d.push(frame('x'.repeat(11)));
    assert.equal(r.length, 1);
    assert.equal(r[0]?.kind, 'invalid');
    assert.deepEqual(d.push(frame('ok')), []);
  });

  it('reports a negative size prefix', () => {
    const d = new FrameDecoder(10);
    const r = d.push(Buffer.from('ffffffff', 'hex'));
    assert.equal(r[0]?.kind, 'invalid');
  });
});

describe('FrameDecoder with a frame pool', () => {
  const big = (n: number, fill: number): Buffer => {
    const body = Buffer.alloc(n, fill);
    const size = Buffer.alloc(4);
    size.writeInt32BE(n);
    return Buffer.concat([size, body]);
  };

  it('fills a large frame chunk by chunk into a pooled buffer, around small frames', () => {
    const pool = new FramePool(1000, 1 << 20);
    const d = new FrameDecoder(1 << 20, pool);
    const stream = Buffer.concat([frame('a'), big(5000, 7), frame('bc'), big(3000, 9)]);
    const out: { text: string; pooled: boolean }[] = [];
    for (let i = 0; i < stream.length; i += 777) {
      for (const r of d.push(stream.subarray(i, i + 777))) {
        if (r.kind !== 'frame') assert.fail(r.reason);
        const uniform = r.frame.length > 0 && r.frame.every((b) => b === r.frame[0]);
        out.push({ text: r.frame.length > 100 ? `${r.frame.length}x${uniform ? r.frame[0] : '?'}` : r.frame.toString(), pooled: r.pooled });
      }
    }
    assert.deepEqual(out, [
      { text: 'a', pooled: false },
      { text: '5000x7', pooled: true },
      { text: 'bc', pooled: false },
      { text: '3000x9', pooled: true },
    ]);
  });

  it('hands a returned buffer to the next frame of its size class, and never one still in use', () => {
    const pool = new FramePool(1000, 1 << 20);
    const a = pool.take(70_000);
    const b = pool.take(70_000);
    assert.notEqual(a.buffer, b.buffer);
    pool.give(a);
    const c = pool.take(100_000);
    assert.equal(c.buffer, a.buffer, 'reused');
    assert.equal(c.length, 100_000);
    assert.notEqual(pool.take(70_000).buffer, a.buffer, 'a buffer is handed out once');
  });
});
