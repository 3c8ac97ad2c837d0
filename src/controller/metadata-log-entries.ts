/**
 * The metadata log's bytes as Raft entries, and back: one metadata record per Kafka record (one
 * offset each, as KRaft's), appended batches grouped by epoch, and the LeaderChange control
 * record a new leader writes at the start of its epoch (control type 2, value Kafka's
 * LeaderChangeMessage). KIP-853's VotersRecord (control type 6) and KRaftVersionRecord (type 5)
 * are control records too, one per control batch here. Kafka's tools that read
 * `__cluster_metadata` segments see what they expect.
 */
import type { PartitionLog } from '../storage/partition-log.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { decodeRecordBatch } from '../protocol/records/record-batch-reader.js';
import { batchSizeAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { ControlRecordType, encodeControlRecordKey } from '../protocol/records/control-record.js';
import { encodeLeaderChangeMessage } from '../protocol/generated/metadata/leader-change-message.js';
import { decodeVotersRecord, encodeVotersRecord } from '../protocol/generated/metadata/voters-record.js';
import { Reader } from '../protocol/codec/reader.js';
import { ZERO_UUID } from '../protocol/codec/uuid.js';
import { Writer } from '../protocol/codec/writer.js';
import { decodeControlRecordType } from '../protocol/records/control-record.js';
import type { Entry, ReplicaKey } from '../raft/index.js';

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
      out.push(header.isControl ? controlEntry(offset, header.partitionLeaderEpoch, r.key ?? Buffer.alloc(0), data) : { offset, epoch: header.partitionLeaderEpoch, data });
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
      const { type, value } = controlValue(first, leaderChange);
      const batch = await buildRecordBatch({ ...at, isControl: true, records: [{ key: encodeControlRecordKey(type), value, timestamp }] });
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

/** A control record as an entry: its type from the key; a VotersRecord's voter set decoded. */
function controlEntry(offset: number, epoch: number, key: Buffer, data: Buffer): Entry {
  const type = decodeControlRecordType(key);
  if (type === ControlRecordType.KRaftVoters) return { offset, epoch, control: 'voters', voters: votersOfRecord(data), data };
  if (type === ControlRecordType.KRaftVersion) return { offset, epoch, control: 'kraftVersion', data };
  return { offset, epoch, control: 'leaderChange', data };
}

/** A control entry's record type and value (the core's own entries carry no bytes yet). */
function controlValue(e: Entry, leaderChange: (epoch: number) => Buffer): { type: number; value: Buffer } {
  if (e.control === 'voters') return { type: ControlRecordType.KRaftVoters, value: e.data.length > 0 ? Buffer.from(e.data) : votersRecordValue(e.voters ?? []) };
  if (e.control === 'kraftVersion') return { type: ControlRecordType.KRaftVersion, value: Buffer.from(e.data) };
  return { type: ControlRecordType.LeaderChange, value: e.data.length > 0 ? Buffer.from(e.data) : leaderChange(e.epoch) };
}

const VOTERS_RECORD_VERSION = 0;
/** The kraft.version range a voter says it supports (0 static, 1 KIP-853). */
const KRAFT_VERSION_RANGE = { minSupportedVersion: 0, maxSupportedVersion: 1 };

/**
 * A voter as the driver hands it to the core: its ReplicaKey and, riding along on the same object
 * (the core copies voter objects, never rebuilds them), the listeners its VotersRecord names.
 */
export interface VoterWithEndpoints extends ReplicaKey {
  readonly endpoints?: readonly VoterEndpoint[];
}

/** A voter's listener as a VotersRecord (and AddRaftVoter, DescribeQuorum v2) names it. */
export interface VoterEndpoint {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** Kafka's VotersRecord for a voter set: ids, directory ids and each voter's listeners. */
export function votersRecordValue(voters: readonly VoterWithEndpoints[]): Buffer {
  const w = new Writer();
  encodeVotersRecord(w, VOTERS_RECORD_VERSION, {
    version: VOTERS_RECORD_VERSION,
    voters: voters.map((v) => ({
      voterId: v.id,
      voterDirectoryId: v.directoryId === '' ? ZERO_UUID : v.directoryId,
      endpoints: (v.endpoints ?? []).map((e) => ({ name: e.name, host: e.host, port: e.port })),
      kRaftVersionFeature: { ...KRAFT_VERSION_RANGE },
    })),
  });
  return w.toBuffer();
}

/** The voter set a VotersRecord value holds, with each voter's listeners. */
export function votersOfRecord(value: Buffer): VoterWithEndpoints[] {
  const record = decodeVotersRecord(new Reader(value), VOTERS_RECORD_VERSION);
  return record.voters.map((v) => ({ id: v.voterId, directoryId: v.voterDirectoryId === ZERO_UUID ? '' : v.voterDirectoryId, endpoints: v.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port })) }));
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
