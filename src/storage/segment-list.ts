/**
 * Lookups over a log's segment list (oldest first, base offsets increasing) shared by the log's
 * reads, flushes and retention.
 */
import type { LogSegment } from './log-segment.js';

/** Index of the last segment in `segs` with baseOffset <= offset (0 when offset precedes them all). */
export function segmentIndexIn(segs: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segs.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segs[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Kafka's LogSegment.largestTimestamp: the max record timestamp, else the segment's creation time. */
export function segmentLargestTimestamp(seg: LogSegment): number {
  return seg.maxTimestampSoFar > 0 ? seg.maxTimestampSoFar : seg.createdMs;
}
