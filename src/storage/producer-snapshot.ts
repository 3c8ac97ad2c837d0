/**
 * Producer-state snapshots beside a partition's segments, in Kafka's format so its tools read
 * them: `<offset>.snapshot` (20-digit offset: the log end offset the state covers) holding an
 * int16 version (1), a CRC32C of everything after the CRC field, then one entry per producer
 * (ProducerSnapshot.json: id, epoch, last sequence, last offset, offset delta, timestamp,
 * coordinator epoch, current transaction's first offset).
 *
 * Invariant: a snapshot is written atomically (temp file + rename), so a reader sees a whole file
 * or none; a file that fails its CRC is ignored (the state is then rebuilt from the log).
 */
import * as path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import type { FileSystem } from '../io/file-system.js';
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { decodeProducerEntry, encodeProducerEntry, type ProducerEntry as SnapshotEntry } from '../protocol/generated/internal/producer-snapshot.js';
import { offsetFileStem } from './file-names.js';

export const SNAPSHOT_SUFFIX = '.snapshot';
const VERSION = 1;
/** Bytes before the entries: version int16 + crc uint32. */
const HEADER_BYTES = 6;

export type { SnapshotEntry };

export function encodeSnapshot(entries: readonly SnapshotEntry[]): Buffer {
  const body = new Writer(64 + entries.length * 42);
  body.writeArrayLength(entries.length, false);
  for (const e of entries) encodeProducerEntry(body, VERSION, e);
  const bytes = body.toBuffer();
  const out = Buffer.allocUnsafe(HEADER_BYTES + bytes.length);
  out.writeInt16BE(VERSION, 0);
  out.writeUInt32BE(crc32c(bytes), 2);
  bytes.copy(out, HEADER_BYTES);
  return out;
}

/** The entries, or null when the file is not a valid version-1 snapshot. */
export function decodeSnapshot(file: Buffer): SnapshotEntry[] | null {
  if (file.length < HEADER_BYTES || file.readInt16BE(0) !== VERSION) return null;
  const body = file.subarray(HEADER_BYTES);
  if (crc32c(body) !== file.readUInt32BE(2)) return null;
  try {
    const r = new Reader(body);
    const n = r.readArrayLength(false);
    const entries: SnapshotEntry[] = [];
    for (let i = 0; i < n; i++) entries.push(decodeProducerEntry(r, VERSION));
    return r.remaining === 0 ? entries : null;
  } catch {
    return null;
  }
}

/** Snapshot offsets present in `dir`, ascending. */
export async function listSnapshots(fs: FileSystem, dir: string): Promise<number[]> {
  const offsets: number[] = [];
  for (const e of await fs.readdir(dir)) {
    if (e.isDirectory || !e.name.endsWith(SNAPSHOT_SUFFIX)) continue;
    const stem = e.name.slice(0, -SNAPSHOT_SUFFIX.length);
    if (/^\d{20}$/.test(stem)) offsets.push(Number(stem));
  }
  return offsets.sort((a, b) => a - b);
}

export function snapshotPath(dir: string, offset: number): string {
  return path.join(dir, offsetFileStem(offset) + SNAPSHOT_SUFFIX);
}

/** Writes the snapshot for `offset` and removes older ones (Kafka keeps a few; one suffices here). */
export async function writeSnapshot(fs: FileSystem, dir: string, offset: number, entries: readonly SnapshotEntry[]): Promise<void> {
  await fs.writeFileAtomic(snapshotPath(dir, offset), encodeSnapshot(entries));
  for (const old of await listSnapshots(fs, dir)) if (old !== offset) await fs.rm(snapshotPath(dir, old));
}
