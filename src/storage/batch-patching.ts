/**
 * What the log writes into the header of a batch it appends, and what it reads back from a batch a
 * leader already wrote: a leader's append assigns offsets and its leader epoch (neither covered by
 * the CRC) and, for a LogAppendTime topic, the append time (re-computing the CRC); a follower's
 * append keeps the leader's offsets and epochs, so it is only checked (whole, CRC-valid batches at
 * increasing offsets from the log end: Kafka's appendAsFollower with no offset assignment).
 */
import { ATTRIBUTES_OFFSET, MAX_TIMESTAMP_OFFSET, PARTITION_LEADER_EPOCH_OFFSET, TIMESTAMP_TYPE_MASK, baseOffsetAt, batchSizeAt, lastOffsetDeltaAt } from '../protocol/records/batch-header.js';
import { writeBatchCrc } from '../protocol/records/batch-crc.js';
import { batchError } from './batch-validation.js';
import { InvalidBatchesError } from './errors.js';
import { readInt64, writeInt64 } from './int64.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';

/**
 * Kafka's LogValidator for a LogAppendTime topic: every batch gets the timestamp-type bit and
 * maxTimestamp = the append time, and its CRC recomputed (baseTimestamp and records untouched).
 */
export function stampLogAppendTime(buf: Buffer, nowMs: number): void {
  let pos = 0;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    buf.writeInt16BE(buf.readInt16BE(pos + ATTRIBUTES_OFFSET) | TIMESTAMP_TYPE_MASK, pos + ATTRIBUTES_OFFSET);
    writeInt64(buf, pos + MAX_TIMESTAMP_OFFSET, nowMs);
    writeBatchCrc(buf, pos, size);
    pos += size;
  }
}

/**
 * Assigns consecutive offsets from `firstOffset` by patching each batch's baseOffset and
 * partitionLeaderEpoch in place (neither is covered by the CRC); returns the largest maxTimestamp.
 */
export function patchBatches(buf: Buffer, firstOffset: number, leaderEpoch: number): number {
  let pos = 0;
  let offset = firstOffset;
  let maxTimestamp = -1;
  while (pos < buf.length) {
    writeInt64(buf, pos, offset);
    buf.writeInt32BE(leaderEpoch, pos + PARTITION_LEADER_EPOCH_OFFSET);
    maxTimestamp = Math.max(maxTimestamp, readInt64(buf, pos + MAX_TIMESTAMP_OFFSET));
    offset += lastOffsetDeltaAt(buf, pos) + 1;
    pos += batchSizeAt(buf, pos);
  }
  return maxTimestamp;
}

/**
 * Checks a follower's append (batches as the leader wrote them): each CRC-valid, the first at or
 * after `logEnd`, offsets increasing (a compacted leader log may have gaps). Returns the offsets
 * it covers and its largest maxTimestamp; throws InvalidBatchesError otherwise.
 */
export function followerBatches(buf: Buffer, logEnd: number): { firstOffset: number; lastOffset: number; maxTimestamp: number } {
  let pos = 0;
  let next = logEnd;
  let firstOffset = -1;
  let maxTimestamp = -1;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    const why = batchError(buf, pos, size);
    if (why !== null) throw new InvalidBatchesError(`follower batch at ${pos}: ${why}`);
    const base = baseOffsetAt(buf, pos);
    if (base < next) throw new InvalidBatchesError(`follower batch at offset ${base} is below the expected offset ${next}`);
    if (firstOffset < 0) firstOffset = base;
    next = base + lastOffsetDeltaAt(buf, pos) + 1;
    maxTimestamp = Math.max(maxTimestamp, readInt64(buf, pos + MAX_TIMESTAMP_OFFSET));
    pos += size;
  }
  return { firstOffset, lastOffset: next - 1, maxTimestamp };
}

/**
 * Kafka's per-batch epoch bookkeeping on append: a batch whose partitionLeaderEpoch is newer than
 * the cache's latest starts that epoch at its base offset. Returns whether the cache changed.
 */
export function recordEpochs(cache: LeaderEpochCache, buf: Buffer): boolean {
  let pos = 0;
  let changed = false;
  while (pos < buf.length) {
    const epoch = buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET);
    if (epoch >= 0 && epoch > cache.latestEpoch) changed = cache.assign(epoch, baseOffsetAt(buf, pos)) || changed;
    pos += batchSizeAt(buf, pos);
  }
  return changed;
}
