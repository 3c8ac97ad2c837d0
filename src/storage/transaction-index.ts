/**
 * Aborted-transaction index files, Kafka's `<segment base offset>.txnindex`: one 34-byte entry per
 * aborted transaction (int16 version 0, int64 producer id, int64 first offset, int64 last offset =
 * the abort marker's offset, int64 last stable offset at the abort). A read_committed Fetch needs
 * every aborted transaction overlapping what it returns; keeping them here means a restart reads
 * these small files instead of scanning the whole log for abort markers.
 *
 * Invariant: an entry is written (and fsynced) after its abort marker is durable in the log, so a
 * crash can lose only entries whose markers lie after the last producer snapshot, and the loader
 * recovers those by scanning the log from that snapshot.
 */
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';
import { offsetFileStem } from './file-names.js';

export const TXN_INDEX_SUFFIX = '.txnindex';
const ENTRY_BYTES = 34;
const VERSION = 0;

export interface AbortedTxnEntry {
  producerId: bigint;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export function txnIndexPath(dir: string, segmentBaseOffset: number): string {
  return path.join(dir, offsetFileStem(segmentBaseOffset) + TXN_INDEX_SUFFIX);
}

export function encodeAbortedTxn(e: AbortedTxnEntry): Buffer {
  const b = Buffer.allocUnsafe(ENTRY_BYTES);
  b.writeInt16BE(VERSION, 0);
  b.writeBigInt64BE(e.producerId, 2);
  b.writeBigInt64BE(BigInt(e.firstOffset), 10);
  b.writeBigInt64BE(BigInt(e.lastOffset), 18);
  b.writeBigInt64BE(BigInt(e.lastStableOffset), 26);
  return b;
}

/** The whole entries of a file; a torn last entry (a crash mid-write) is ignored. */
export function decodeAbortedTxns(file: Buffer): AbortedTxnEntry[] {
  const out: AbortedTxnEntry[] = [];
  for (let at = 0; at + ENTRY_BYTES <= file.length; at += ENTRY_BYTES) {
    if (file.readInt16BE(at) !== VERSION) break;
    out.push({
      producerId: file.readBigInt64BE(at + 2),
      firstOffset: Number(file.readBigInt64BE(at + 10)),
      lastOffset: Number(file.readBigInt64BE(at + 18)),
      lastStableOffset: Number(file.readBigInt64BE(at + 26)),
    });
  }
  return out;
}

/** Appends one entry to the index of the segment that holds its abort marker, durably. */
export async function appendAbortedTxn(fs: FileSystem, dir: string, segmentBaseOffset: number, entry: AbortedTxnEntry): Promise<void> {
  const fh = await fs.open(txnIndexPath(dir, segmentBaseOffset), { create: true });
  try {
    const size = await fh.size();
    // A torn entry from a crash is overwritten rather than left in front of the new one.
    await fh.write(encodeAbortedTxn(entry), size - (size % ENTRY_BYTES));
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * Every aborted transaction recorded in `dir` whose abort marker lies in [from, to), sorted by
 * marker offset. Files whose entries all lie below `from` (their segments were deleted by
 * retention) are removed.
 */
export async function readAbortedTxns(fs: FileSystem, dir: string, from: number, to: number): Promise<AbortedTxnEntry[]> {
  const out: AbortedTxnEntry[] = [];
  for (const e of await fs.readdir(dir)) {
    if (e.isDirectory || !e.name.endsWith(TXN_INDEX_SUFFIX)) continue;
    const file = path.join(dir, e.name);
    const entries = decodeAbortedTxns(await fs.readFile(file));
    if (entries.every((t) => t.lastOffset < from)) {
      await fs.rm(file);
      continue;
    }
    for (const t of entries) if (t.lastOffset >= from && t.lastOffset < to) out.push(t);
  }
  return out.sort((a, b) => a.lastOffset - b.lastOffset);
}

/** The log was truncated to `offset`: entries whose abort marker is at or past it are dropped. */
export async function truncateAbortedTxns(fs: FileSystem, dir: string, offset: number): Promise<void> {
  for (const e of await fs.readdir(dir)) {
    if (e.isDirectory || !e.name.endsWith(TXN_INDEX_SUFFIX)) continue;
    const file = path.join(dir, e.name);
    const entries = decodeAbortedTxns(await fs.readFile(file));
    const kept = entries.filter((t) => t.lastOffset < offset);
    if (kept.length === entries.length) continue;
    if (kept.length === 0) await fs.rm(file);
    else await fs.writeFileAtomic(file, Buffer.concat(kept.map(encodeAbortedTxn)));
  }
}
