/**
 * Kafka's LogCleaner for one partition log (cleanup.policy=compact, or compact,delete): keeps the
 * latest record per key, drops tombstones older than delete.retention.ms, never touches the active
 * segment, and keeps every surviving record at its original offset (batches keep their baseOffset,
 * lastOffsetDelta, producer fields and sequence; offsets simply gain gaps).
 *
 * One pass (under the log's maintenance lock, so it never races retention or DeleteRecords):
 *   1. the cleanable range is [firstDirtyOffset, firstUncleanableOffset): it ends at the active
 *      segment and at the first segment holding records younger than min.compaction.lag.ms;
 *   2. it runs only when dirty bytes / cleanable bytes >= min.cleanable.dirty.ratio, or when a dirty
 *      segment is older than max.compaction.lag.ms;
 *   3. an offset map (key → last offset) is built over the dirty range;
 *   4. every segment below firstUncleanableOffset is rewritten, grouped up to segment.bytes, each
 *      group into `<base>.log.cleaned`, fsynced, renamed `<base>.log.swap` (the commit point: the
 *      loader completes a swap it finds), then the replaced files are removed and the swap renamed to
 *      `<base>.log`; the indexes are rebuilt from the new file.
 * Batches whose records all survive are copied byte for byte; partly kept batches are re-encoded
 * with the same compression; empty ones disappear. Control batches are kept as they are.
 */
import { CONTROL_FLAG_MASK, LOG_OVERHEAD, MAX_TIMESTAMP_OFFSET, RECORD_BATCH_OVERHEAD, attributesAt } from '../protocol/records/batch-header.js';
import { writeBatchCrc } from '../protocol/records/batch-crc.js';
import { compress } from '../protocol/records/compression.js';
import { encodeRecords } from '../protocol/records/record-codec.js';
import { decodeRecordBatch, recordTimestamp } from '../protocol/records/record-batch-reader.js';
import type { FileSystem } from '../io/file-system.js';
import { writeInt64 } from './int64.js';
import { LogSegment } from './log-segment.js';
import type { PartitionLog } from './partition-log.js';
import { recoverSegment } from './segment-recovery.js';
import { scanBatches } from './segment-scanner.js';
import { CLEANED_SUFFIX, SWAP_SUFFIX } from './segment-swap.js';

const INT32_MAX = 0x7fffffff;

export interface CleanStats {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
}

/** Why a pass did nothing, or what it did. */
export type CleanOutcome = { cleaned: false; reason: string } | { cleaned: true; stats: CleanStats };

export async function cleanLog(fs: FileSystem, log: PartitionLog, nowMs: number): Promise<CleanOutcome> {
  return log.maintenance(() => cleanOnce(fs, log, nowMs));
}

async function cleanOnce(fs: FileSystem, log: PartitionLog, nowMs: number): Promise<CleanOutcome> {
  const config = log.logConfig;
  if (!config.cleanupCompact) return { cleaned: false, reason: 'not compacted' };
  const segs = log.segmentList();
  const nonActive = segs.slice(0, -1);
  const firstUncleanableIdx = firstUncleanableIndex(nonActive, nowMs, config.minCompactionLagMs);
  if (firstUncleanableIdx === 0) return { cleaned: false, reason: 'nothing cleanable' };
  const cleanable = nonActive.slice(0, firstUncleanableIdx);
  const firstUncleanableOffset = segs[firstUncleanableIdx]!.baseOffset;
  const firstDirty = Math.max(log.firstDirtyOffset, log.logStartOffset);
  if (firstDirty >= firstUncleanableOffset) return { cleaned: false, reason: 'no dirty segments' };
  // A segment holding firstDirty counts as dirty (it was not wholly cleaned).
  const firstDirtyIdx = cleanable.findIndex((s, i) => (cleanable[i + 1]?.baseOffset ?? firstUncleanableOffset) > firstDirty);
  let cleanBytes = 0;
  let dirtyBytes = 0;
  cleanable.forEach((s, i) => (i < firstDirtyIdx ? (cleanBytes += s.committedBytes) : (dirtyBytes += s.committedBytes)));
  const ratio = cleanBytes + dirtyBytes === 0 ? 0 : dirtyBytes / (cleanBytes + dirtyBytes);
  const overdue = cleanable.slice(firstDirtyIdx).some((s) => s.firstBatchMaxTimestamp !== null && s.firstBatchMaxTimestamp >= 0 && nowMs - s.firstBatchMaxTimestamp > config.maxCompactionLagMs);
  if (ratio < config.minCleanableDirtyRatio && !overdue) return { cleaned: false, reason: `dirty ratio ${ratio.toFixed(3)} below ${config.minCleanableDirtyRatio}` };

  const latest = new Map<string, number>();
  for (const seg of cleanable.slice(firstDirtyIdx)) await buildOffsetMap(seg, latest);

  const stats: CleanStats = { segmentsBefore: cleanable.length, segmentsAfter: 0, bytesBefore: 0, bytesAfter: 0, recordsRemoved: 0 };
  const tombstoneHorizon = nowMs - config.deleteRetentionMs;
  for (const group of groupBySize(cleanable.filter((s) => !s.retired), config.segmentBytes)) {
    const replacement = await cleanGroup(fs, log, group, latest, tombstoneHorizon, stats);
    log.replaceSegments(group, replacement);
    for (const old of group) await old.closeWhenUnused();
    stats.segmentsAfter++;
  }
  log.firstDirtyOffset = firstUncleanableOffset;
  return { cleaned: true, stats };
}

/** Index (into the non-active segments) of the first one too young to clean, or their count. */
function firstUncleanableIndex(nonActive: readonly LogSegment[], nowMs: number, minLagMs: number): number {
  if (minLagMs <= 0) return nonActive.length;
  const i = nonActive.findIndex((s) => s.maxTimestampSoFar > nowMs - minLagMs);
  return i < 0 ? nonActive.length : i;
}

async function forEachBatch(seg: LogSegment, visit: (chunk: Buffer, at: number, size: number) => void): Promise<void> {
  seg.pin();
  try {
    await scanBatches(seg.fileHandle(), 0, seg.committedBytes, (b) => {
      visit(b.chunk, b.at, b.size);
      return true;
    });
  } finally {
    seg.unpin();
  }
}

async function buildOffsetMap(seg: LogSegment, latest: Map<string, number>): Promise<void> {
  const batches: Buffer[] = [];
  await forEachBatch(seg, (chunk, at, size) => {
    if ((attributesAt(chunk, at) & CONTROL_FLAG_MASK) === 0) batches.push(Buffer.from(chunk.subarray(at, at + size)));
  });
  for (const b of batches) {
    const { header, records } = await decodeRecordBatch(b);
    for (const r of records) if (r.key !== null) latest.set(r.key.toString('latin1'), header.baseOffset + r.offsetDelta);
  }
}

/** Consecutive segments whose total size fits in one segment (Kafka's groupSegmentsBySize). */
function groupBySize(segs: readonly LogSegment[], maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let current: LogSegment[] = [];
  let bytes = 0;
  for (const s of segs) {
    const first = current[0];
    const fitsOffsets = first === undefined || s.lastOffset - first.baseOffset <= INT32_MAX;
    if (current.length > 0 && (bytes + s.committedBytes > maxBytes || !fitsOffsets)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(s);
    bytes += s.committedBytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

async function cleanGroup(
  fs: FileSystem,
  log: PartitionLog,
  group: readonly LogSegment[],
  latest: ReadonlyMap<string, number>,
  tombstoneHorizon: number,
  stats: CleanStats,
): Promise<LogSegment> {
  const first = group[0]!;
  const cleanedPath = first.paths.log + CLEANED_SUFFIX;
  const swapPath = first.paths.log + SWAP_SUFFIX;
  await fs.rm(cleanedPath);
  const out = await fs.open(cleanedPath, { create: true });
  let position = 0;
  try {
    for (const seg of group) {
      stats.bytesBefore += seg.committedBytes;
      const batches: Buffer[] = [];
      await forEachBatch(seg, (chunk, at, size) => batches.push(Buffer.from(chunk.subarray(at, at + size))));
      for (const b of batches) {
        const kept = await filterBatch(b, latest, tombstoneHorizon, stats);
        if (kept === null) continue;
        await out.write(kept, position);
        position += kept.length;
      }
    }
    await out.datasync();
  } finally {
    await out.close();
  }
  stats.bytesAfter += position;
  // Commit point: from here a restart completes the swap instead of discarding it.
  await fs.rename(cleanedPath, swapPath);
  await fs.syncDir(log.dir);
  for (const seg of group.slice(1)) {
    for (const p of [seg.paths.log, seg.paths.index, seg.paths.timeIndex]) await fs.rm(p);
  }
  // Stale indexes of the first segment must not survive next to the new log: a crash now rebuilds them.
  await fs.rm(first.paths.index);
  await fs.rm(first.paths.timeIndex);
  await fs.rename(swapPath, first.paths.log);
  await fs.syncDir(log.dir);
  const seg = new LogSegment(fs, log.dir, first.baseOffset, log.logConfig, first.createdMs);
  await recoverSegment(seg);
  return seg;
}

/** The batch with only the records compaction keeps: the same bytes, a re-encoded batch, or null. */
async function filterBatch(batch: Buffer, latest: ReadonlyMap<string, number>, tombstoneHorizon: number, stats: CleanStats): Promise<Buffer | null> {
  if ((attributesAt(batch, 0) & CONTROL_FLAG_MASK) !== 0) return batch;
  const { header, records } = await decodeRecordBatch(batch);
  const kept = records.filter((r) => {
    if (r.key === null) return true;
    const offset = header.baseOffset + r.offsetDelta;
    const last = latest.get(r.key.toString('latin1'));
    if (last !== undefined && offset < last) return false;
    // A tombstone is dropped once it is older than delete.retention.ms (consumers had that long to see it).
    return !(r.value === null && recordTimestamp(header, r) < tombstoneHorizon);
  });
  stats.recordsRemoved += records.length - kept.length;
  if (kept.length === records.length) return batch;
  if (kept.length === 0) return null;
  const body = await compress(header.compression, encodeRecords(kept.map((r) => ({
    offsetDelta: r.offsetDelta,
    timestampDelta: r.timestampDelta,
    key: r.key,
    value: r.value,
    headers: r.headers,
  }))));
  const out = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
  // Header as it was (baseOffset, lastOffsetDelta, producer fields, base sequence, attributes) ...
  batch.copy(out, 0, 0, RECORD_BATCH_OVERHEAD);
  body.copy(out, RECORD_BATCH_OVERHEAD);
  // ... with the new length, record count and (CreateTime) max timestamp, then the CRC.
  out.writeInt32BE(out.length - LOG_OVERHEAD, 8);
  out.writeInt32BE(kept.length, 57);
  if (header.timestampType === 0) {
    let max = -1;
    for (const r of kept) max = Math.max(max, header.baseTimestamp + r.timestampDelta);
    writeInt64(out, MAX_TIMESTAMP_OFFSET, max);
  }
  writeBatchCrc(out, 0, out.length);
  return out;
}
