/**
 * Storage errors a request handler maps to Kafka error codes (the mapping lives with the handlers;
 * storage only names the condition).
 */

/** A batch larger than segment.bytes (Kafka: RECORD_BATCH_TOO_LARGE). */
export class RecordBatchTooLargeError extends Error {
  override readonly name = 'RecordBatchTooLargeError';
}

/** Bytes given to append that are not a sequence of whole v2 batches (Kafka: CORRUPT_MESSAGE). */
export class InvalidBatchesError extends Error {
  override readonly name = 'InvalidBatchesError';
}

/** The log was closed or deleted (Kafka: NOT_LEADER_OR_FOLLOWER once the replica is gone). */
export class LogClosedError extends Error {
  override readonly name = 'LogClosedError';
}

/**
 * A write or fsync failed; the log refuses further appends (Kafka takes the log dir offline:
 * KAFKA_STORAGE_ERROR) because what reached the disk is unknown.
 */
export class LogFailedError extends Error {
  override readonly name = 'LogFailedError';
}

/** An offset outside [log start offset, high watermark] (Kafka: OFFSET_OUT_OF_RANGE). */
export class OffsetOutOfRangeError extends Error {
  override readonly name = 'OffsetOutOfRangeError';
}
