/**
 * Kafka's LogSegment.truncateTo for the segment list of a log: dropping every offset from a point
 * on. A segment wholly at or above it leaves the list (its files are deleted by the caller); the
 * segment holding it is cut at the start of the batch holding the offset (truncation is by whole
 * batches, as Kafka's), its indexes rebuilt from the surviving bytes.
 *
 * Invariant: the caller has no write in flight (it waited for the log end to reach every offset
 * assigned) and runs under the log's maintenance lock, so the list does not change meanwhile;
 * reads may run: a cut segment's readable size drops before its file is cut, and the file is cut
 * only once the reads already under way are done.
 */
import { baseOffsetAt, lastOffsetDeltaAt } from '../protocol/records/batch-header.js';
import type { LogSegment } from './log-segment.js';
import { recoverSegment } from './segment-recovery.js';
import { scanBatches } from './segment-scanner.js';

export interface TruncatedSegments {
  /** The segments that stay (never empty: the first segment is kept, possibly emptied). */
  readonly kept: LogSegment[];
  /** The segments that leave the log. */
  readonly removed: LogSegment[];
}

export async function truncateSegments(segments: readonly LogSegment[], offset: number): Promise<TruncatedSegments> {
  // Kafka keeps a segment whose base offset is below the target; the first one always stays.
  const keepCount = Math.max(1, segments.filter((s) => s.baseOffset < offset).length);
  const kept = segments.slice(0, keepCount);
  const removed = segments.slice(keepCount);
  // Reads starting now skip them (their files go once the reads under way are done).
  for (const seg of removed) seg.retired = true;
  const last = kept[kept.length - 1]!;
  if (last.lastOffset >= offset) await truncateSegment(last, offset);
  return { kept, removed };
}

/** Cuts `seg` at the first batch whose last offset is >= offset; rebuilds its indexes. */
async function truncateSegment(seg: LogSegment, offset: number): Promise<void> {
  const start = seg.offsetIndex.lookupPosition(offset);
  const scan = await scanBatches(seg.fileHandle(), start, seg.committedBytes, (b) => baseOffsetAt(b.chunk, b.at) + lastOffsetDeltaAt(b.chunk, b.at) < offset);
  if (scan.position >= seg.committedBytes) return;
  await seg.cutAt(scan.position);
  // Re-reads what is left: indexes, max timestamp and last offset describe the cut segment.
  await recoverSegment(seg);
}
