/**
 * Codecs against real clients' compressed batches (shared/client-frames/codecs.jsonl: one Produce
 * per client × codec, covering raw and xerial snappy, LZ4 FLG 0x60/0x68/0x64 with BD 0x40/0x70,
 * zstd with and without content size) and round trips of our own output.
 */
import assert from 'node:assert/strict';
import { CompressionType } from './batch-header.js';
import { compress, CompressionError, decompress } from './compression.js';
import { produceRecords, produceRequests } from '../../testing/client-frames.js';
import { decodeRecordBatch } from './record-batch-reader.js';
import { isXerialFramed } from './snappy-codec.js';
import { scanFrames } from './zstd-codec.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

describe('compression: captured client batches (codecs.jsonl)', () => {
  const frames = produceRequests('codecs.jsonl');

  it('holds one frame per client × codec, 27 in all', () => {
    assert.equal(frames.length, 27);
  });

  for (const frame of frames) {
    it(`${frame.client} ${frame.codec} (${frame.framing?.kind ?? '?'}) decodes to its 5 records`, async () => {
      const [partition] = produceRecords(frame);
      assert.ok(partition);
      const { header, records } = await decodeRecordBatch(partition.records);
      assert.equal(CODECS[header.compression], frame.codec);
      assert.equal(records.length, 5);
      const first = Number(/-(\d+)$/.exec(records[0]?.key?.toString() ?? '')?.[1]);
      records.forEach((r, i) => {
        assert.equal(r.offsetDelta, i);
        assert.equal(r.key?.toString(), `key-${frame.codec}-${first + i}`);
        assert.equal(r.value?.toString(), `value ${frame.codec} ${first + i} the quick brown fox jumps over the lazy dog the quick brown fox`);
        assert.deepEqual(r.headers, []);
      });
    });
  }

  it('includes the framings the README lists', () => {
    const kinds = new Set(frames.map((f) => f.framing?.kind.split(' ')[0]));
    assert.ok(kinds.has('xerial') && kinds.has('raw'), 'both snappy framings');
    const heads = frames.map((f) => JSON.stringify(f.framing));
    for (const flg of ['0x60', '0x68', '0x64']) assert.ok(heads.some((h) => h.includes(`"FLG":"${flg}"`)), flg);
    for (const fhd of ['0x0', '0x60']) assert.ok(heads.some((h) => h.includes(`"FHD":"${fhd}"`)), fhd);
  });
});

describe('compression: round trips', () => {
  const inputs = {
    empty: Buffer.alloc(0),
    small: Buffer.from('hello hello hello hello tributary'),
    // > 64 KiB takes the async paths and, for lz4, several 64 KiB blocks.
    large: Buffer.from(Array.from({ length: 40_000 }, (_, i) => `record-${i % 977};`).join('')),
  };
  for (const type of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    for (const [name, input] of Object.entries(inputs)) {
      it(`${CODECS[type]} ${name} (${input.length} bytes)`, async () => {
        const packed = await compress(type, input);
        assert.deepEqual(await decompress(type, packed), input);
      });
    }
  }

  it('snappy writes raw blocks and reads xerial framing with several blocks', async () => {
    const a = Buffer.from('first block first block first block');
    const b = Buffer.from('second block second block');
    const rawA = await compress(CompressionType.Snappy, a);
    const rawB = await compress(CompressionType.Snappy, b);
    assert.equal(isXerialFramed(rawA), false);
    const header = Buffer.from('82534e415050590000000001000000010', 'hex').subarray(0, 16);
    const xerial = Buffer.concat([header, int32(rawA.length), rawA, int32(rawB.length), rawB]);
    assert.ok(isXerialFramed(xerial));
    assert.deepEqual(await decompress(CompressionType.Snappy, xerial), Buffer.concat([a, b]));
  });

  it('lz4 writes a v1 frame with independent blocks (FLG 0x60), as librdkafka does', async () => {
    const frame = await compress(CompressionType.Lz4, inputs.small);
    assert.equal(frame.readUInt32LE(0), 0x184d2204);
    assert.equal(frame[4], 0x60);
  });

  it('zstd decodes several concatenated frames, with and without content size', async () => {
    const a = await compress(CompressionType.Zstd, inputs.large);
    const b = await compress(CompressionType.Zstd, inputs.small);
    const streaming = zstdFrameWithoutContentSize(inputs.small);
    const joined = Buffer.concat([a, b, streaming]);
    assert.equal(scanFrames(joined).length, 3);
    assert.deepEqual(await decompress(CompressionType.Zstd, joined), Buffer.concat([inputs.large, inputs.small, inputs.small]));
  });

  it('zstd decodes a > 1 MiB streaming frame (beyond the package default heap)', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 'abcdefgh');
    const streaming = zstdFrameWithoutContentSize(big);
    assert.deepEqual(await decompress(CompressionType.Zstd, streaming), big);
  });

  it('rejects corrupt input with a CompressionError', async () => {
    for (const type of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      await assert.rejects(decompress(type, Buffer.from('definitely not compressed data')), CompressionError);
    }
    await assert.rejects(decompress(7, Buffer.alloc(1)), CompressionError);
  });
});

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/**
 * A zstd frame with no content size, as librdkafka's streaming compressor writes (FHD 0x00): raw
 * blocks of up to 128 KiB after a window descriptor. Built by hand because the package only writes
 * frames with the content size.
 */
function zstdFrameWithoutContentSize(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58])]; // window 2^21 = 2 MiB
  const blockMax = 128 * 1024;
  for (let pos = 0; pos < data.length || pos === 0; pos += blockMax) {
    const chunk = data.subarray(pos, pos + blockMax);
    const last = pos + blockMax >= data.length ? 1 : 0;
    const header = Buffer.alloc(3);
    header.writeUIntLE((chunk.length << 3) | last, 0, 3); // block type 0: raw
    parts.push(header, chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(parts);
}
