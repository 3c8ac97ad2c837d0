/**
 * Kafka's LogSegment.recover and the cheap tail check done after a clean shutdown.
 *
 * recoverSegment re-reads every batch of a segment, validating length, magic 2, CRC32C and offset
 * order; it stops at the first batch that fails, truncates the file there (the bytes after it were
 * never acknowledged as durable: they are above the recovery point) and rebuilds both indexes from
 * the surviving batches.
 *
 * Invariant after either function: the segment's committed size is its file size, every byte of it
 * is whole valid batches (for the part checked), and `lastOffset` is the last batch's last offset.
 */
import { baseOffsetAt, lastOffsetDeltaAt } from '../protocol/records/batch-header.js';
import { batchError } from './batch-validation.js';
import type { LogSegment } from './log-segment.js';
import { type ScanResult, scanBatches } from './segment-scanner.js';

const INT32_MAX = 0x7fffffff;

export interface SegmentRecovery {
  truncatedBytes: number;
  /** Why the scan stopped before the file end, for the operator's log line. */
  reason: string | null;
}

export async function recoverSegment(seg: LogSegment): Promise<SegmentRecovery> {
  const size = await seg.openLog(false);
  seg.resetIndexing();
  let reason: string | null = null;
  const scan = await scanValid(seg, 0, size, (r) => {
    reason = r;
  }, true);
  const valid = scan.position;
  if (valid < size) {
    reason ??= `${scan.stop} batch at position ${valid}`;
    await seg.truncateLog(valid);
  } else {
    seg.setLoadedSize(size);
  }
  // The bytes just validated may exist only in the page cache (a process crash, not a power loss);
  // syncing them lets the log set its recovery point to the recovered end.
  await seg.fileHandle().datasync();
  await seg.writeIndexes();
  return { truncatedBytes: size - valid, reason };
}

/**
 * After a clean shutdown: validate only the batches from the last offset index entry to the end.
 * Returns false when that tail is not whole valid batches (the caller then recovers the segment).
 */
export async function checkSegmentTail(seg: LogSegment, size: number): Promise<boolean> {
  const idx = seg.offsetIndex;
  const start = idx.entries > 0 ? idx.positionAt(idx.entries - 1) : 0;
  let bad = false;
  const scan = await scanValid(seg, start, size, () => {
    bad = true;
  }, false);
  return !bad && scan.stop === 'end';
}

/**
 * Scans [start, end) calling seg.indexBatch (when `index`) or just tracking lastOffset for each
 * valid batch; stops at the first invalid one, reporting why through `onInvalid`.
 */
async function scanValid(
  seg: LogSegment,
  start: number,
  end: number,
  onInvalid: (reason: string) => void,
  index: boolean,
): Promise<ScanResult> {
  let nextOffset = start === 0 ? seg.baseOffset : -1;
  return scanBatches(seg.fileHandle(), start, end, (b) => {
    const err = batchError(b.chunk, b.at, b.size);
    const base = baseOffsetAt(b.chunk, b.at);
    const last = base + lastOffsetDeltaAt(b.chunk, b.at);
    const why =
      err ??
      (base < nextOffset ? `baseOffset ${base} is below ${nextOffset}` : null) ??
      (last - seg.baseOffset > INT32_MAX ? `offset ${last} does not fit segment ${seg.baseOffset}` : null);
    if (why !== null) {
      onInvalid(`batch at position ${b.position}: ${why}`);
      return false;
    }
    if (index) seg.indexBatch(b.chunk, b.at, b.position, b.size);
    else seg.lastOffset = last;
    nextOffset = last + 1;
    return true;
  });
}
