/**
 * The error type record decoding throws off the hot path (decode, build, timestamp lookup). It
 * carries the Kafka error code the broker answers with, so handlers never guess the mapping.
 */
import { ErrorCode } from '../generated/error-codes.js';

export class RecordBatchError extends Error {
  override readonly name = 'RecordBatchError';
  constructor(
    readonly errorCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Kafka's InvalidRecordException: the record structure inside a batch is wrong. */
export function invalidRecord(message: string): RecordBatchError {
  return new RecordBatchError(ErrorCode.INVALID_RECORD, message);
}

/** Kafka's CorruptRecordException: the batch itself is damaged (size, CRC, undecodable data). */
export function corruptMessage(message: string, cause?: unknown): RecordBatchError {
  return new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, message, { cause });
}
