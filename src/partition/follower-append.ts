/**
 * A follower's append of batches its leader wrote (Kafka's Partition.appendRecordsToFollowerOrFutureReplica):
 * the log keeps the leader's offsets and epochs; the producer state and the aborted-transaction
 * index learn the batches as the leader's did when it appended them, so this replica can lead
 * with the right idempotence and transaction state.
 */
import type { FileSystem } from '../io/file-system.js';
import { LOG_OVERHEAD, batchSizeAt } from '../protocol/records/batch-header.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { appendAbortedTxn } from '../storage/transaction-index.js';
import type { AbortedTxn, ProducerStateManager } from './producer-state.js';
import { recordBatch } from './producer-state-loader.js';

export async function appendAsFollower(log: PartitionLog, producers: ProducerStateManager, txnIndexFs: FileSystem | null, records: Buffer): Promise<void> {
  if (records.length === 0) return;
  // Whole batches only: a fetch response may end with a cut batch (the leader's max bytes).
  const whole = wholeBatches(records);
  if (whole.length === 0) return;
  const written = log.appendAsFollower(whole);
  const aborted: AbortedTxn[] = [];
  for (let pos = 0; pos < whole.length; pos += batchSizeAt(whole, pos)) {
    const txn = await recordBatch(whole, pos, producers);
    if (txn !== null) aborted.push(txn);
  }
  await written;
  if (txnIndexFs === null) return;
  for (const txn of aborted) {
    await appendAbortedTxn(txnIndexFs, log.dir, log.activeSegmentBaseOffset, { ...txn, lastStableOffset: producers.firstUnstableOffset() ?? log.logEndOffset });
  }
}

/** The prefix of `records` made of whole batches. */
function wholeBatches(records: Buffer): Buffer {
  let pos = 0;
  while (pos + LOG_OVERHEAD <= records.length) {
    const size = batchSizeAt(records, pos);
    if (size <= 0 || pos + size > records.length) break;
    pos += size;
  }
  return records.subarray(0, pos);
}
