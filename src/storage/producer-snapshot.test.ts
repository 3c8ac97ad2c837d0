import assert from 'node:assert/strict';
import { decodeSnapshot, encodeSnapshot } from './producer-snapshot.js';

describe('producer snapshot format', () => {
  const entry = { producerId: 42n, epoch: 3, lastSequence: 99, lastOffset: 1000n, offsetDelta: 4, timestamp: 1700000000000n, coordinatorEpoch: -1, currentTxnFirstOffset: -1n };

  it('matches Kafka\'s layout: version, CRC32C of the rest, int32 count, fixed-size entries', () => {
    const bytes = encodeSnapshot([entry]);
    assert.equal(bytes.readInt16BE(0), 1);
    assert.equal(bytes.length, 2 + 4 + 4 + (8 + 2 + 4 + 8 + 4 + 8 + 4 + 8));
    assert.equal(bytes.readInt32BE(6), 1);
    assert.equal(bytes.readBigInt64BE(10), 42n);
    assert.deepEqual(decodeSnapshot(bytes), [entry]);
  });

  it('rejects a file whose CRC does not match', () => {
    const bytes = encodeSnapshot([entry]);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    assert.equal(decodeSnapshot(bytes), null);
    assert.equal(decodeSnapshot(Buffer.alloc(3)), null);
  });
});
