/**
 * The metadata log's bytes as Raft entries, and back: one metadata record per Kafka record (one
 * offset each, as KRaft's), appended batches grouped by epoch, and the LeaderChange control
 * record a new leader writes at the start of its epoch (control type 2, value Kafka's
 * LeaderChangeMessage). Kafka's tools that read `__cluster_metadata` segments see what they expect.
 */
import type { PartitionLog } from '../storage/partition-log.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { batchSizeAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { ControlRecordType, encodeControlRecordKey } from '../protocol/records/control-record.js';
import { encodeLeaderChangeMessage } from '../protocol/generated/metadata/leader-change-message.js';
import { Writer } from '../protocol/codec/writer.js';
import type { Entry } from '../raft/index.js';

const READ_CHUNK_BYTES = 1024 * 1024;
const LEADER_CHANGE_VERSION = 0;

/** Every entry of the log, in offset order (the metadata log is small: it is kept in memory). */
export async function readEntries(log: PartitionLog): Promise<Entry[]> {
  const entries: Entry[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, READ_CHUNK_BYTES, true);
    if (read.kind !== 'ok' || read.records.length === 0) throw new Error(`metadata log unreadable at offset ${offset}`);
    const next = await entriesOfChunk(read.records, offset, entries);
    if (next <= offset) throw new Error(`metadata log made no progress at offset ${offset}`);
    offset = next;
  }
  return entries;
}

/**
 * The entries of the whole batches in `chunk` at or after `from` (a cut batch at the end is left
 * out); returns the offset after the last whole batch. Also reads a Fetch response's records.
 */
export async function entriesOfChunk(chunk: Buffer, from: number, out: Entry[]): Promise<number> {
  let pos = 0;
  let next = from;
  while (pos + LOG_OVERHEAD <= chunk.length && pos + batchSizeAt(chunk, pos) <= chunk.length) {
    const { header, records } = await decodeRecordBatch(chunk, pos);
    for (const r of records) {
      const offset = header.baseOffset + r.offsetDelta;
      if (offset < from) continue;
      const data = r.value ?? Buffer.alloc(0);
      out.push(header.isControl ? { offset, epoch: header.partitionLeaderEpoch, control: 'leaderChange', data } : { offset, epoch: header.partitionLeaderEpoch, data });
    }
    next = header.baseOffset + header.lastOffsetDelta + 1;
    pos += header.sizeInBytes;
  }
  return next;
}

/**
 * Record batches holding `entries` (contiguous): one per run of data entries of one epoch, a
 * control batch per LeaderChange entry, each at its entry's offset and epoch. A LeaderChange entry
 * the core made carries no bytes yet: `leaderChange` gives them.
 */
export async function entriesToBatches(entries: readonly Entry[], leaderChange: (epoch: number) => Buffer, timestamp: number): Promise<{ batch: Buffer; first: Entry; entries: Entry[] }[]> {
  const out: { batch: Buffer; first: Entry; entries: Entry[] }[] = [];
  let i = 0;
  while (i < entries.length) {
    const first = entries[i] as Entry;
    let j = i + 1;
    if (first.control === undefined) while (j < entries.length && entries[j]?.control === undefined && entries[j]?.epoch === first.epoch) j++;
    const run = entries.slice(i, j);
    const at = { baseOffset: first.offset, partitionLeaderEpoch: first.epoch };
    if (first.control === undefined) {
      out.push({ first, entries: run, batch: await buildRecordBatch({ ...at, records: run.map((e) => ({ key: null, value: Buffer.from(e.data), timestamp })) }) });
    } else {
      const value = first.data.length > 0 ? Buffer.from(first.data) : leaderChange(first.epoch);
      const batch = await buildRecordBatch({ ...at, isControl: true, records: [{ key: encodeControlRecordKey(ControlRecordType.LeaderChange), value, timestamp }] });
      out.push({ first, entries: [{ ...first, data: value }], batch });
    }
    i = j;
  }
  return out;
}

/**
 * Appends entries the core handed out (contiguous, starting at the log end) and returns them as
 * stored (LeaderChange entries with their bytes). The log assigns offsets itself; they must be
 * the ones the core chose, or the two disagree about the log.
 */
export async function appendEntries(log: PartitionLog, entries: readonly Entry[], leaderChange: (epoch: number) => Buffer, timestamp: number): Promise<Entry[]> {
  const stored: Entry[] = [];
  for (const { batch, first, entries: run } of await entriesToBatches(entries, leaderChange, timestamp)) {
    const { firstOffset } = await log.append(batch, first.epoch);
    if (firstOffset !== first.offset) throw new Error(`metadata log appended at ${firstOffset}, Raft expected ${first.offset}`);
    stored.push(...run);
  }
  return stored;
}

/** Kafka's LeaderChangeMessage: the leader, the voters, and those that granted it their vote. */
export function leaderChangeMessage(leaderId: number, voters: readonly number[], grantingVoters: readonly number[]): Buffer {
  const w = new Writer();
  encodeLeaderChangeMessage(w, LEADER_CHANGE_VERSION, {
    version: LEADER_CHANGE_VERSION,
    leaderId,
    voters: voters.map((voterId) => ({ voterId })),
    grantingVoters: grantingVoters.map((voterId) => ({ voterId })),
  });
  return w.toBuffer();
}
