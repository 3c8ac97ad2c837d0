/**
 * KIP-853 in metadata snapshots: with kraft.version 1 a snapshot holds the voter set (a
 * KRaftVersionRecord and a VotersRecord in a control batch after the header, offsets 1 and 2) and
 * reads it back; a kraft.version 0 snapshot holds none; a KRaftVersionRecord without its
 * VotersRecord is refused.
 */
import assert from 'node:assert/strict';
import { decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { ControlRecordType, decodeControlRecordType, encodeControlRecordKey } from '../protocol/records/control-record.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { decodeSnapshot, encodeSnapshot } from './metadata-snapshot.js';

const records: MetadataRecord[] = [{ type: 'featureLevel', version: 0, data: { name: 'metadata.version', featureLevel: 27 } }];

describe('controller/metadata-snapshot: KIP-853 voter set', () => {
  it('writes the voter set after the header (kraft.version 1) and reads it back', async () => {
    const voters = [
      { id: 1, directoryId: 'q1TbTKQSR7G4sM2hVY3bKw', endpoints: [{ name: 'CONTROLLER', host: '127.0.0.1', port: 9093 }] },
      { id: 3, directoryId: 'Zm9vYmFyYmF6cXV4cXV1eA', endpoints: [{ name: 'CONTROLLER', host: '::1', port: 9095 }] },
    ];
    const bytes = await encodeSnapshot({ endOffset: 42, epoch: 5 }, records, 1000, 2000, voters);
    const decoded = await decodeSnapshot(bytes);
    assert.deepEqual(decoded.voters, voters);
    assert.equal(decoded.records.length, 1);
    // The second batch: control, offsets 1-2, KRaftVersionRecord then VotersRecord.
    const first = await decodeRecordBatch(bytes, 0);
    const second = await decodeRecordBatch(bytes, first.header.sizeInBytes);
    assert.equal(second.header.isControl, true);
    assert.deepEqual([second.header.baseOffset, second.header.lastOffsetDelta], [1, 1]);
    assert.deepEqual(second.records.map((r) => decodeControlRecordType(r.key ?? Buffer.alloc(0))), [ControlRecordType.KRaftVersion, ControlRecordType.KRaftVoters]);
  });

  it('a kraft.version 0 snapshot holds no voter set: its records start at offset 1, as before', async () => {
    const bytes = await encodeSnapshot({ endOffset: 42, epoch: 5 }, records, 1000, 2000);
    const decoded = await decodeSnapshot(bytes);
    assert.equal(decoded.voters, undefined);
    const first = await decodeRecordBatch(bytes, 0);
    const second = await decodeRecordBatch(bytes, first.header.sizeInBytes);
    assert.deepEqual([second.header.isControl, second.header.baseOffset], [false, 1]);
  });

  it('refuses a KRaftVersionRecord not followed by a VotersRecord', async () => {
    const whole = await encodeSnapshot({ endOffset: 42, epoch: 5 }, [], 1000, 2000, [{ id: 1, directoryId: '' }]);
    const header = await decodeRecordBatch(whole, 0);
    const kraft = await decodeRecordBatch(whole, header.header.sizeInBytes);
    const lone = await buildRecordBatch({ baseOffset: 1, partitionLeaderEpoch: 5, isControl: true, records: [{ key: encodeControlRecordKey(ControlRecordType.KRaftVersion), value: kraft.records[0]?.value ?? null, timestamp: 0 }] });
    const rest = whole.subarray(header.header.sizeInBytes + kraft.header.sizeInBytes);
    await assert.rejects(decodeSnapshot(Buffer.concat([whole.subarray(0, header.header.sizeInBytes), lone, rest])), /not followed by a VotersRecord/);
  });
});
