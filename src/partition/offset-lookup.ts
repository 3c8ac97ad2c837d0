/**
 * Offsets by timestamp (ListOffsets): the first record whose timestamp is at or after a target, and
 * the record carrying the log's largest timestamp. An answer must lie below `limit`, the last
 * fetchable offset (HW, or LSO for read_committed): Kafka's ReplicaManager answers "none" for a
 * record a consumer could not fetch yet.
 */
import type { PartitionLog } from '../storage/partition-log.js';
import { findOffsetForTimestamp } from '../protocol/records/find-offset-for-timestamp.js';

export interface OffsetAndTimestamp {
  readonly offset: number;
  readonly timestamp: number;
}

const NOT_FOUND: OffsetAndTimestamp = { offset: -1, timestamp: -1 };

/** The first record with timestamp >= target, if below `limit` (time index, then one batch). */
export async function firstOffsetAtOrAfter(log: PartitionLog, target: number, limit: number): Promise<OffsetAndTimestamp> {
  const batch = await log.findBatchByTimestamp(target);
  if (batch === null) return NOT_FOUND;
  const found = await findOffsetForTimestamp(batch, target);
  return found === null || found.offset >= limit ? NOT_FOUND : found;
}

/**
 * The first record carrying the log's largest timestamp (KAFKA-16310, Kafka 3.8+: not the batch's
 * last offset), or not found when the log is empty.
 */
export async function maxTimestampOffset(log: PartitionLog, limit: number): Promise<OffsetAndTimestamp> {
  const max = log.maxTimestampAndOffset();
  return max === null ? NOT_FOUND : firstOffsetAtOrAfter(log, max.timestamp, limit);
}
