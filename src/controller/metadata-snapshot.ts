/**
 * Snapshots of the metadata image as Kafka writes them (raft's Snapshots and RecordsSnapshotWriter):
 * a file `<20-digit end offset>-<10-digit epoch>.checkpoint` in the `__cluster_metadata-0`
 * directory, holding record batches whose offsets count from 0 inside the snapshot, each stamped
 * with the snapshot's epoch: a control batch with a SnapshotHeaderRecord (control type 3), the
 * image's metadata records in data batches, and a control batch with a SnapshotFooterRecord
 * (control type 4). The end offset is exclusive: the snapshot holds every entry before it.
 * With kraft.version 0 (static voters) nothing else; with kraft.version 1 (KIP-853) a control batch
 * right after the header holds a KRaftVersionRecord (control type 5) and the voter set in force
 * at the snapshot's end as a VotersRecord (type 6), as Kafka's RecordsSnapshotWriter writes them.
 *
 * Writes are atomic as Kafka's: bytes go to `<id>.checkpoint.part`, are fsynced, then renamed and
 * the directory fsynced; a `.part` left by a crash is deleted on open. A snapshot fetched from the
 * leader is assembled in its own `.part` file chunk by chunk and renamed the same way.
 *
 * Invariant: `decodeSnapshot` accepts only a whole snapshot (header first, footer last, offsets
 * contiguous from 0, every CRC right): a cut or corrupt file is an error, never half an image.
 */
import { join } from 'node:path';
import type { FileHandle, FileSystem } from '../io/file-system.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { decodeRecordBatch, readBatchHeader } from '../protocol/records/record-batch-reader.js';
import { batchCrcMatches } from '../protocol/records/batch-crc.js';
import { decodeControlRecordType, encodeControlRecordKey } from '../protocol/records/control-record.js';
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { decodeSnapshotHeaderRecord, encodeSnapshotHeaderRecord } from '../protocol/generated/metadata/snapshot-header-record.js';
import { encodeSnapshotFooterRecord } from '../protocol/generated/metadata/snapshot-footer-record.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../metadata/metadata-record.js';
import type { OffsetAndEpoch } from '../raft/index.js';
import { encodeKRaftVersionRecord } from '../protocol/generated/metadata/k-raft-version-record.js';
import { ControlRecordType } from '../protocol/records/control-record.js';
import { votersOfRecord, votersRecordValue, type VoterWithEndpoints } from './metadata-log-entries.js';

/** Kafka's ControlRecordType.SNAPSHOT_HEADER and SNAPSHOT_FOOTER. */
export const SNAPSHOT_HEADER = 3;
export const SNAPSHOT_FOOTER = 4;
const SUFFIX = '.checkpoint';
const PARTIAL_SUFFIX = '.checkpoint.part';
/** A data batch is cut once its values pass this many bytes (Kafka's writer caps batches too). */
const BATCH_BYTES = 1024 * 1024;

export function snapshotFileName(id: OffsetAndEpoch): string {
  return `${String(id.endOffset).padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}${SUFFIX}`;
}

/** The id of a `<offset>-<epoch>.checkpoint` name; undefined for any other name (partial files too). */
export function parseSnapshotFileName(name: string): OffsetAndEpoch | undefined {
  const m = /^(\d{20})-(\d{10})\.checkpoint$/.exec(name);
  return m === null ? undefined : { endOffset: Number(m[1]), epoch: Number(m[2]) };
}

function controlBatch(type: number, value: Buffer, baseOffset: number, epoch: number, timestamp: number): Promise<Buffer> {
  return buildRecordBatch({ baseOffset, partitionLeaderEpoch: epoch, isControl: true, records: [{ key: encodeControlRecordKey(type), value, timestamp }] });
}

/** kraft.version 1: the KRaftVersionRecord and VotersRecord batch after the header, at offsets 1 and 2. */
async function kraftBatch(voters: readonly VoterWithEndpoints[], epoch: number, timestamp: number): Promise<Buffer> {
  const version = new Writer();
  encodeKRaftVersionRecord(version, 0, { version: 0, kRaftVersion: 1 });
  return buildRecordBatch({
    baseOffset: 1,
    partitionLeaderEpoch: epoch,
    isControl: true,
    records: [
      { key: encodeControlRecordKey(ControlRecordType.KRaftVersion), value: version.toBuffer(), timestamp },
      { key: encodeControlRecordKey(ControlRecordType.KRaftVoters), value: votersRecordValue(voters), timestamp },
    ],
  });
}

/**
 * The snapshot file's bytes: header, (kraft.version 1: the voter set), the records in batches,
 * footer. `voters` absent: kraft.version 0, the bytes exactly as before KIP-853.
 */
export async function encodeSnapshot(id: OffsetAndEpoch, records: readonly MetadataRecord[], lastContainedLogTimestamp: number, nowMs: number, voters?: readonly VoterWithEndpoints[]): Promise<Buffer> {
  const header = new Writer();
  encodeSnapshotHeaderRecord(header, 0, { version: 0, lastContainedLogTimestamp: BigInt(lastContainedLogTimestamp) });
  const parts = [await controlBatch(SNAPSHOT_HEADER, header.toBuffer(), 0, id.epoch, nowMs)];
  let offset = 1;
  if (voters !== undefined) {
    parts.push(await kraftBatch(voters, id.epoch, nowMs));
    offset = 3;
  }
  let run: Buffer[] = [];
  let runBytes = 0;
  const cut = async (): Promise<void> => {
    if (run.length === 0) return;
    parts.push(await buildRecordBatch({ baseOffset: offset, partitionLeaderEpoch: id.epoch, records: run.map((value) => ({ key: null, value, timestamp: nowMs })) }));
    offset += run.length;
    run = [];
    runBytes = 0;
  };
  for (const r of records) {
    const value = encodeMetadataRecord(r);
    run.push(value);
    runBytes += value.length;
    if (runBytes >= BATCH_BYTES) await cut();
  }
  await cut();
  const footer = new Writer();
  encodeSnapshotFooterRecord(footer, 0, { version: 0 });
  parts.push(await controlBatch(SNAPSHOT_FOOTER, footer.toBuffer(), offset, id.epoch, nowMs));
  return Buffer.concat(parts);
}

export interface DecodedSnapshot {
  readonly records: MetadataRecord[];
  readonly lastContainedLogTimestamp: number;
  /** kraft.version 1: the voter set the snapshot holds (its VotersRecord); absent for kraft.version 0. */
  readonly voters?: VoterWithEndpoints[];
}

/** The records of a whole snapshot file; throws on anything else (see the invariant above). */
export async function decodeSnapshot(bytes: Buffer): Promise<DecodedSnapshot> {
  const records: MetadataRecord[] = [];
  let pos = 0;
  let next = 0;
  let lastContainedLogTimestamp: number | undefined;
  let footer = false;
  let voters: VoterWithEndpoints[] | undefined;
  while (pos < bytes.length) {
    if (footer) throw new Error(`metadata snapshot: bytes after the footer at ${pos}`);
    const h = readBatchHeader(bytes, pos);
    if (!batchCrcMatches(bytes, pos, h.sizeInBytes)) throw new Error(`metadata snapshot: batch at ${pos} fails its CRC`);
    if (h.baseOffset !== next) throw new Error(`metadata snapshot: batch at ${pos} starts at offset ${h.baseOffset}, expected ${next}`);
    const batch = await decodeRecordBatch(bytes, pos);
    if (h.isControl) {
      const type = decodeControlRecordType(batch.records[0]?.key ?? Buffer.alloc(0));
      if (lastContainedLogTimestamp === undefined) {
        if (type !== SNAPSHOT_HEADER) throw new Error(`metadata snapshot: first batch is control type ${type}, not a SnapshotHeaderRecord`);
        lastContainedLogTimestamp = Number(decodeSnapshotHeaderRecord(new Reader(batch.records[0]?.value ?? Buffer.alloc(0)), 0).lastContainedLogTimestamp);
      } else if (type === SNAPSHOT_FOOTER) footer = true;
      else if (type === ControlRecordType.KRaftVersion) voters = votersOfKraftBatch(batch.records, h.baseOffset);
      else if (type !== SNAPSHOT_HEADER) throw new Error(`metadata snapshot: unexpected control type ${type} at offset ${h.baseOffset}`);
    } else {
      if (lastContainedLogTimestamp === undefined) throw new Error('metadata snapshot: records before the SnapshotHeaderRecord');
      for (const r of batch.records) records.push(decodeMetadataRecord(r.value ?? Buffer.alloc(0)));
    }
    next = h.baseOffset + h.lastOffsetDelta + 1;
    pos += h.sizeInBytes;
  }
  if (lastContainedLogTimestamp === undefined || !footer) throw new Error('metadata snapshot: no header or no footer (a cut file)');
  return { records, lastContainedLogTimestamp, ...(voters === undefined ? {} : { voters }) };
}

/** The voter set of the KRaftVersionRecord + VotersRecord batch (both records, in that order). */
function votersOfKraftBatch(records: readonly { key: Buffer | null; value: Buffer | null }[], baseOffset: number): VoterWithEndpoints[] {
  const votersRecord = records[1];
  if (records.length !== 2 || decodeControlRecordType(votersRecord?.key ?? Buffer.alloc(0)) !== ControlRecordType.KRaftVoters) {
    throw new Error(`metadata snapshot: the KRaftVersionRecord at offset ${baseOffset} is not followed by a VotersRecord`);
  }
  return votersOfRecord(votersRecord?.value ?? Buffer.alloc(0));
}

/** The snapshot files of one metadata log directory. */
export class SnapshotStore {
  private fetching: { id: OffsetAndEpoch; handle: FileHandle } | undefined;

  constructor(
    private readonly fs: FileSystem,
    readonly dir: string,
  ) {}

  pathOf(id: OffsetAndEpoch): string {
    return join(this.dir, snapshotFileName(id));
  }

  /** Every whole snapshot, oldest first, after deleting the `.part` files a crash left behind (as Kafka does). */
  async open(): Promise<OffsetAndEpoch[]> {
    if (!(await this.fs.exists(this.dir))) return [];
    for (const e of await this.fs.readdir(this.dir)) {
      if (e.name.endsWith(PARTIAL_SUFFIX) || e.name.endsWith('.checkpoint.deleted')) await this.fs.rm(join(this.dir, e.name));
    }
    return this.list();
  }

  /** Every whole snapshot, oldest first. */
  async list(): Promise<OffsetAndEpoch[]> {
    const ids: OffsetAndEpoch[] = [];
    for (const e of await this.fs.readdir(this.dir)) {
      const id = parseSnapshotFileName(e.name);
      if (id !== undefined) ids.push(id);
    }
    return ids.sort((a, b) => a.endOffset - b.endOffset || a.epoch - b.epoch);
  }

  read(id: OffsetAndEpoch): Promise<Buffer> {
    return this.fs.readFile(this.pathOf(id));
  }

  /** Writes a whole snapshot durably: `.part`, fsync, rename, fsync the directory. */
  async write(id: OffsetAndEpoch, bytes: Buffer): Promise<void> {
    const part = this.pathOf(id) + '.part';
    const h = await this.fs.open(part, { create: true });
    try {
      await h.truncate(0);
      await h.write(bytes, 0);
      await h.datasync();
    } finally {
      await h.close();
    }
    await this.fs.rename(part, this.pathOf(id));
    await this.fs.syncDir(this.dir);
  }

  /** A chunk of a snapshot fetched from the leader (position 0 starts a new partial file). */
  async writeChunk(id: OffsetAndEpoch, position: number, bytes: Uint8Array): Promise<void> {
    const f = this.fetching;
    if (f === undefined || f.id.endOffset !== id.endOffset || f.id.epoch !== id.epoch || position === 0) {
      await this.abandonFetch();
      const handle = await this.fs.open(this.pathOf(id) + '.part', { create: true });
      await handle.truncate(0);
      this.fetching = { id, handle };
    }
    await this.fetching?.handle.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), position);
  }

  /** The fetched snapshot is whole: fsync, rename into place, fsync the directory; returns its bytes. */
  async completeFetch(id: OffsetAndEpoch): Promise<Buffer> {
    const f = this.fetching;
    if (f === undefined || f.id.endOffset !== id.endOffset || f.id.epoch !== id.epoch) throw new Error(`metadata snapshot ${snapshotFileName(id)}: installed but never fetched`);
    this.fetching = undefined;
    await f.handle.datasync();
    await f.handle.close();
    await this.fs.rename(this.pathOf(id) + '.part', this.pathOf(id));
    await this.fs.syncDir(this.dir);
    return this.read(id);
  }

  /** Deletes every snapshot older than `id` (the log and `id` cover what they held). */
  async deleteBefore(id: OffsetAndEpoch): Promise<void> {
    for (const old of await this.list()) if (old.endOffset < id.endOffset) await this.fs.rm(this.pathOf(old));
  }

  async abandonFetch(): Promise<void> {
    const f = this.fetching;
    this.fetching = undefined;
    if (f === undefined) return;
    await f.handle.close();
    await this.fs.rm(this.pathOf(f.id) + '.part');
  }
}
