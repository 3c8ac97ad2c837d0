/**
 * KIP-853's control records in the metadata log's bytes: a VotersRecord entry the core appends
 * becomes a control batch of type 6 (KRAFT_VOTERS) whose value is Kafka's VotersRecord, and reads
 * back as the same voter set; a KRaftVersionRecord (type 5) reads back as a 'kraftVersion' entry.
 */
import assert from 'node:assert/strict';
import { Writer } from '../protocol/codec/writer.js';
import { ZERO_UUID } from '../protocol/codec/uuid.js';
import { encodeKRaftVersionRecord } from '../protocol/generated/metadata/k-raft-version-record.js';
import { decodeVotersRecord } from '../protocol/generated/metadata/voters-record.js';
import { Reader } from '../protocol/codec/reader.js';
import { decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { ControlRecordType, decodeControlRecordType } from '../protocol/records/control-record.js';
import type { Entry } from '../raft/index.js';
import { entriesOfChunk, entriesToBatches } from './metadata-log-entries.js';

const leaderChange = (): Buffer => Buffer.from([0, 0]);

describe('controller/metadata-log-entries: KIP-853 control records', () => {
  it('writes a VotersRecord entry as a KRAFT_VOTERS control batch and reads the same voter set back', async () => {
    const voters = [
      { id: 1, directoryId: 'q1TbTKQSR7G4sM2hVY3bKw', endpoints: [{ name: 'CONTROLLER', host: 'c1.example', port: 9093 }] },
      { id: 2, directoryId: '', endpoints: [] },
    ];
    const entries: Entry[] = [
      { offset: 0, epoch: 3, control: 'leaderChange', data: new Uint8Array(0) },
      { offset: 1, epoch: 3, control: 'voters', voters, data: new Uint8Array(0) },
      { offset: 2, epoch: 3, data: Buffer.from('a record') },
    ];
    const batches = await entriesToBatches(entries, leaderChange, 1000);
    assert.equal(batches.length, 3);
    const votersBatch = batches[1]?.batch as Buffer;
    const { header, records } = await decodeRecordBatch(votersBatch, 0);
    assert.equal(header.isControl, true);
    assert.equal(decodeControlRecordType(records[0]?.key as Buffer), ControlRecordType.KRaftVoters);
    const record = decodeVotersRecord(new Reader(records[0]?.value as Buffer), 0);
    assert.deepEqual(record.voters.map((v) => [v.voterId, v.voterDirectoryId]), [
      [1, 'q1TbTKQSR7G4sM2hVY3bKw'],
      [2, ZERO_UUID],
    ]);
    const back: Entry[] = [];
    const next = await entriesOfChunk(Buffer.concat(batches.map((b) => b.batch)), 0, back);
    assert.equal(next, 3);
    assert.deepEqual(back.map((e) => e.control), ['leaderChange', 'voters', undefined]);
    assert.deepEqual(back[1]?.voters, voters);
    assert.deepEqual([back[1]?.offset, back[1]?.epoch], [1, 3]);
  });

  it('reads a KRaftVersionRecord control record as a kraftVersion entry, and writes it back unchanged', async () => {
    const w = new Writer();
    encodeKRaftVersionRecord(w, 0, { version: 0, kRaftVersion: 1 });
    const data = w.toBuffer();
    const batches = await entriesToBatches([{ offset: 5, epoch: 2, control: 'kraftVersion', data }], leaderChange, 1000);
    const { records } = await decodeRecordBatch(batches[0]?.batch as Buffer, 0);
    assert.equal(decodeControlRecordType(records[0]?.key as Buffer), ControlRecordType.KRaftVersion);
    const back: Entry[] = [];
    await entriesOfChunk(batches[0]?.batch as Buffer, 0, back);
    assert.deepEqual(back.map((e) => [e.offset, e.epoch, e.control, Buffer.from(e.data).equals(data)]), [[5, 2, 'kraftVersion', true]]);
  });
});
