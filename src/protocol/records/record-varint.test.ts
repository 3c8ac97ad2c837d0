/** Zig-zag varints against Kafka's ByteUtils encodings, and the record decoder's error reporting. */
import assert from 'node:assert/strict';
import { ErrorCode } from '../generated/error-codes.js';
import { decodeRecords, encodeRecords } from './record-codec.js';
import { RecordBatchError } from './record-errors.js';
import { newCursor, readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './record-varint.js';

describe('record varints', () => {
  it('encodes as Kafka does (zig-zag)', () => {
    const cases: [number, string][] = [[0, '00'], [-1, '01'], [1, '02'], [-64, '7f'], [64, '8001'], [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f']];
    for (const [value, hex] of cases) {
      const buf = Buffer.alloc(5);
      assert.equal(writeVarint(buf, 0, value), hex.length / 2);
      assert.equal(buf.subarray(0, hex.length / 2).toString('hex'), hex, String(value));
      assert.equal(sizeOfVarint(value), hex.length / 2);
      assert.equal(readVarint(newCursor(Buffer.from(hex, 'hex'), 0, hex.length / 2)), value);
    }
  });

  it('round trips varlongs within ±2^52', () => {
    for (const value of [0, -1, 1, 1_700_000_000_000, -1_700_000_000_000, 2 ** 52 - 1, -(2 ** 52)]) {
      const buf = Buffer.alloc(10);
      const end = writeVarlong(buf, 0, value);
      assert.equal(end, sizeOfVarlong(value));
      const c = newCursor(buf, 0, end);
      assert.equal(readVarlong(c), value);
      assert.equal(c.pos, end);
    }
  });

  it('flags truncated and over-long varints without throwing', () => {
    const truncated = newCursor(Buffer.from([0x80]), 0, 1);
    readVarint(truncated);
    assert.equal(truncated.ok, false);
    const long = newCursor(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0, 6);
    readVarint(long);
    assert.equal(long.ok, false);
  });
});

describe('decodeRecords errors', () => {
  const one = encodeRecords([{ offsetDelta: 0, timestampDelta: 0, key: null, value: Buffer.from('v'), headers: [] }]);

  it('reports too few and too many bytes as INVALID_RECORD', () => {
    for (const [data, count] of [[one.subarray(0, one.length - 1), 1], [Buffer.concat([one, Buffer.from([0])]), 1], [one, 2]] as const) {
      assert.throws(() => decodeRecords(data, count), (e: unknown) => e instanceof RecordBatchError && e.errorCode === ErrorCode.INVALID_RECORD);
    }
  });
});
