import assert from 'node:assert/strict';
import { FrameDecoder } from './frame-decoder.js';

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
