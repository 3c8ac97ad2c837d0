/**
 * Kafka's error code for a storage failure seen by a handler: the storage layer names the
 * condition, Kafka's Errors table decides what the client hears (and whether it retries).
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { LogClosedError, RecordBatchTooLargeError } from '../storage/errors.js';
import { ReplicationError } from './replication-error.js';

export function storageErrorCode(e: unknown): number {
  // A deleted or moved replica: the client refreshes metadata and retries elsewhere.
  if (e instanceof LogClosedError) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  if (e instanceof ReplicationError) return e.errorCode;
  // Kafka's RecordBatchTooLargeException (a batch larger than segment.bytes).
  if (e instanceof RecordBatchTooLargeError) return ErrorCode.RECORD_LIST_TOO_LARGE;
  return ErrorCode.KAFKA_STORAGE_ERROR;
}

/** Whether the failure is worth an error line (an expected condition is not). */
export function isUnexpectedStorageError(e: unknown): boolean {
  return !(e instanceof LogClosedError || e instanceof RecordBatchTooLargeError || e instanceof ReplicationError);
}
