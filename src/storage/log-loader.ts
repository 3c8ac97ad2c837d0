/**
 * Kafka's LogLoader: turns a partition directory into its list of open segments and the log end
 * offset, recovering what an unclean shutdown may have left half-written.
 *
 * - Leftover temp files (.deleted, .cleaned, .tmp) and index files without a .log are removed; a
 *   `<base>.log.swap` (a compaction that reached its commit point) is completed instead: the
 *   segments it replaces are removed and it becomes `<base>.log`.
 * - After an unclean shutdown every segment from the one holding the recovery point onward is
 *   re-read and validated (recoverSegment); the first one that had to be truncated ends the log:
 *   later segments are deleted.
 * - Every other segment's indexes are loaded and sanity-checked (size, monotonic, inside the log);
 *   a missing or untrustworthy index is rebuilt by recovering that segment.
 * - After a clean shutdown the indexes are trusted, but the last segment's tail (from its last index
 *   entry) is still validated; a bad tail means recovering that segment.
 *
 * Invariant on return: at least one segment; segments sorted by base offset, all open; the last
 * one's lastOffset is the log's last offset (or baseOffset - 1 when it is empty).
 */
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';
import { TEMP_SUFFIXES, parseSegmentFileName, segmentPaths } from './file-names.js';
import { completeSwap } from './segment-swap.js';
import type { LogConfig } from './log-config.js';
import { LogSegment } from './log-segment.js';
import { checkSegmentTail, recoverSegment } from './segment-recovery.js';

export interface LoadOptions {
  recoveryPoint: number;
  logStartOffset: number;
  hadCleanShutdown: boolean;
  nowMs: number;
}

export interface LoadedLog {
  segments: LogSegment[];
  /** Human-readable notes on what recovery did (truncations, rebuilt indexes), for the caller's log. */
  notes: string[];
}

export async function loadSegments(fs: FileSystem, dir: string, config: LogConfig, opts: LoadOptions): Promise<LoadedLog> {
  const notes: string[] = [];
  const bases = await listSegmentBases(fs, dir, notes);
  const segments = bases.map((b) => new LogSegment(fs, dir, b, config, opts.nowMs));
  const firstUnflushed = opts.hadCleanShutdown ? segments.length : floorIndex(segments, opts.recoveryPoint);
  const kept = await loadAll(fs, segments, firstUnflushed, notes);
  if (kept.length === 0) {
    const seg = new LogSegment(fs, dir, opts.logStartOffset, config, opts.nowMs);
    await seg.openLog(true);
    kept.push(seg);
  }
  await kept[kept.length - 1]!.loadFirstBatchTimestamp();
  return { segments: kept, notes };
}

/** Index of the segment holding `offset` (the last with baseOffset <= offset), 0 if none. */
function floorIndex(segments: readonly LogSegment[], offset: number): number {
  let found = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i]!.baseOffset <= offset) found = i;
  return found;
}

async function listSegmentBases(fs: FileSystem, dir: string, notes: string[]): Promise<number[]> {
  const entries = await fs.readdir(dir);
  const logs = new Set<number>();
  const indexes: { name: string; base: number }[] = [];
  const swaps: string[] = [];
  for (const e of entries) {
    if (e.isDirectory) continue;
    if (/^\d{20}\.log\.swap$/.test(e.name)) {
      swaps.push(e.name);
      continue;
    }
    if (TEMP_SUFFIXES.some((s) => e.name.endsWith(s))) {
      notes.push(`removed leftover ${e.name}`);
      await fs.rm(path.join(dir, e.name));
      continue;
    }
    const parsed = parseSegmentFileName(e.name);
    if (parsed === null) continue;
    if (parsed.kind === 'log') logs.add(parsed.baseOffset);
    else indexes.push({ name: e.name, base: parsed.baseOffset });
  }
  for (const swap of swaps.sort()) {
    notes.push(...(await completeSwap(fs, dir, swap, [...logs], (b) => segmentPaths(dir, b))));
    for (const b of [...logs]) if (!(await fs.exists(segmentPaths(dir, b).log))) logs.delete(b);
    logs.add(Number(swap.slice(0, 20)));
  }
  for (const idx of indexes) {
    if (logs.has(idx.base)) continue;
    notes.push(`removed orphan index ${idx.name}`);
    await fs.rm(path.join(dir, idx.name));
  }
  return [...logs].sort((a, b) => a - b);
}

/** Opens and checks/recovers each segment; returns the ones that remain. */
async function loadAll(fs: FileSystem, segments: LogSegment[], firstUnflushed: number, notes: string[]): Promise<LogSegment[]> {
  const kept: LogSegment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    const size = await seg.openLog(false);
    kept.push(seg);
    const unflushed = i >= firstUnflushed;
    const indexProblem = unflushed ? null : await loadIndexes(fs, seg, size, next === undefined ? Number.MAX_SAFE_INTEGER : next.baseOffset - 1);
    const isLast = next === undefined;
    let recover = unflushed || indexProblem !== null;
    if (indexProblem !== null) notes.push(`${seg.paths.log}: rebuilding indexes (${indexProblem})`);
    if (!recover && isLast && !(await checkSegmentTail(seg, size))) {
      notes.push(`${seg.paths.log}: tail is not whole valid batches after a clean shutdown; recovering`);
      recover = true;
    }
    if (!recover) continue;
    const r = await recoverSegment(seg);
    if (r.truncatedBytes === 0) continue;
    notes.push(`${seg.paths.log}: truncated ${r.truncatedBytes} bytes (${r.reason ?? 'invalid tail'})`);
    // Kafka keeps later segments only when the truncated one was below the recovery point (flushed).
    if (unflushed) {
      await deleteSegments(fs, segments.slice(i + 1), notes);
      break;
    }
  }
  return kept;
}

/** Loads both index files; returns why they cannot be trusted, or null when they were adopted. */
async function loadIndexes(fs: FileSystem, seg: LogSegment, size: number, maxOffset: number): Promise<string | null> {
  for (const p of [seg.paths.index, seg.paths.timeIndex]) {
    if (!(await fs.exists(p))) return `${path.basename(p)} is missing`;
  }
  const offsetErr = seg.offsetIndex.load(await fs.readFile(seg.paths.index), size, maxOffset);
  if (offsetErr !== null) return offsetErr;
  const timeErr = seg.timeIndex.load(await fs.readFile(seg.paths.timeIndex), maxOffset);
  if (timeErr !== null) {
    seg.offsetIndex.clear();
    return timeErr;
  }
  seg.adoptLoadedState(size);
  return null;
}

async function deleteSegments(fs: FileSystem, segments: readonly LogSegment[], notes: string[]): Promise<void> {
  for (const seg of segments) {
    notes.push(`deleted segment ${path.basename(seg.paths.log)} after the truncation point`);
    await seg.close();
    await fs.rm(seg.paths.log);
    await fs.rm(seg.paths.index);
    await fs.rm(seg.paths.timeIndex);
  }
}
