/**
 * Produce-path validation of a partition's `records` field, in the order and with the error codes
 * Apache Kafka 4 uses, before the bytes are appended unchanged (DESIGN.md):
 *
 * 1. ProduceRequest.validateRecords (v3+), iterating batches as MemoryRecords does:
 *    - batchLength < 14 (LegacyRecord.RECORD_OVERHEAD_V0) or magic outside 0..2 → CORRUPT_MESSAGE
 *      (ByteBufferLogInputStream.nextBatchSize);
 *    - no complete batch → INVALID_RECORD ("must have at least one record batch per partition");
 *    - magic 0/1 → INVALID_RECORD (Kafka 4 has no message-format downconversion on produce, and
 *      validateRecords throws InvalidRecordException, not UNSUPPORTED_FOR_MESSAGE_FORMAT);
 *    - zstd with Produce < v7 → UNSUPPORTED_COMPRESSION_TYPE;
 *    - a second batch → INVALID_RECORD ("exactly one record batch per partition"), unless
 *      `singleBatch: false` (internal appends: replication, the metadata log).
 * 2. UnifiedLog.analyzeAndValidateRecords, per batch: size > max.message.bytes → MESSAGE_TOO_LARGE;
 *    size < 61 or CRC32C mismatch → CORRUPT_MESSAGE.
 * 3. LogValidator.validateBatch for client appends: lastOffsetDelta + 1 <= 0, recordsCount <= 0, or
 *    the two disagreeing → INVALID_RECORD; control batch → INVALID_RECORD; producerId >= 0 with
 *    baseSequence < 0 → INVALID_RECORD.
 * 4. For uncompressed batches, the record framing (lengths, varints, exactly recordsCount records
 *    filling the batch) → INVALID_RECORD, as DefaultRecord.readFrom reports it. Compressed batches are
 *    not opened here: decompression happens only when a feature needs the records.
 *
 * Deliberate difference: Kafka silently trims a trailing partial batch after a complete one
 * (UnifiedLog.trimInvalidBytes). We reject it with CORRUPT_MESSAGE unless `trimTrailingPartial`
 * is set, so a caller that appends `buf` whole can never store a torn batch; with the option the
 * result's `validBytes` says how much to append.
 *
 * Invariant: no exceptions, no per-record allocation; one result object per call.
 */
import { ErrorCode } from '../generated/error-codes.js';
import { batchCrcMatches } from './batch-crc.js';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CompressionType,
  HEADER_SIZE_UP_TO_MAGIC,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TRANSACTIONAL_FLAG_MASK,
} from './batch-header.js';
import { checkRecordFraming } from './record-codec.js';
import { newCursor } from './record-varint.js';

/** LegacyRecord.RECORD_OVERHEAD_V0: the smallest batchLength any magic allows. */
const MIN_BATCH_LENGTH_ANY_MAGIC = 14;
const CURRENT_MAGIC = 2;
/** First Produce version allowed to carry zstd (KIP-110). */
const PRODUCE_VERSION_ZSTD = 7;

export interface ValidateOptions {
  /** The topic's max.message.bytes: a batch larger than this is MESSAGE_TOO_LARGE. */
  maxMessageBytes: number;
  /** Produce request version; zstd needs v7+. Default: no version restriction. */
  produceVersion?: number;
  /** Kafka's Produce v3+ rule: exactly one batch per partition. Default true. */
  singleBatch?: boolean;
  /** Accept and exclude a trailing partial batch, as Kafka does. Default false (reject). */
  trimTrailingPartial?: boolean;
  /** Apply LogValidator's client-append checks (control batches, sequences). Default true. */
  clientOrigin?: boolean;
}

export interface ValidBatches {
  ok: true;
  batchCount: number;
  recordCount: number;
  /** Sum over batches of lastOffsetDelta + 1: the offsets this append consumes. */
  offsetCount: number;
  /** Bytes of complete, valid batches: what to append. */
  validBytes: number;
  firstTimestamp: number;
  maxTimestamp: number;
  /** From the first batch: what idempotence and transactions look at. */
  compression: number;
  isTransactional: boolean;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** lastOffsetDelta of the last batch: with baseSequence, gives the last sequence. */
  lastOffsetDelta: number;
}

export interface InvalidBatches {
  ok: false;
  errorCode: number;
  message: string;
}

export type ValidationResult = ValidBatches | InvalidBatches;

/** Scratch cursor for the uncompressed record walk: one per process, the walk is synchronous. */
const scratch = newCursor(Buffer.alloc(0), 0, 0);

/** Validates a Produce partition's `records` bytes; never throws. */
export function validateRecordBatches(buf: Buffer, options: ValidateOptions): ValidationResult {
  const first = nextBatchSize(buf, 0);
  if (typeof first === 'object') return first;
  if (first === 0) return fail(ErrorCode.INVALID_RECORD, 'Produce requests must have at least one record batch per partition');
  if (buf[MAGIC_OFFSET] !== CURRENT_MAGIC) {
    return fail(ErrorCode.INVALID_RECORD, 'Produce requests are only allowed to contain record batches with magic version 2');
  }
  const codec = buf.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK;
  if (codec === CompressionType.Zstd && (options.produceVersion ?? PRODUCE_VERSION_ZSTD) < PRODUCE_VERSION_ZSTD) {
    return fail(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'Produce requests with version < 7 cannot use ZStandard compression');
  }
  if (options.singleBatch ?? true) {
    const second = nextBatchSize(buf, first);
    if (typeof second === 'object') return second;
    if (second > 0) return fail(ErrorCode.INVALID_RECORD, 'Produce requests are only allowed to contain exactly one record batch per partition');
  }
  return validateEach(buf, options);
}

/**
 * MemoryRecords iteration semantics: the size of the complete batch at `pos`, 0 when the bytes
 * left do not hold a complete batch, or a failure for a header Kafka calls corrupt.
 */
function nextBatchSize(buf: Buffer, pos: number): number | InvalidBatches {
  const remaining = buf.length - pos;
  if (remaining < LOG_OVERHEAD) return 0;
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
  if (batchLength < MIN_BATCH_LENGTH_ANY_MAGIC) {
    return fail(ErrorCode.CORRUPT_MESSAGE, `Record size ${batchLength} is less than the minimum record overhead (14)`);
  }
  if (remaining < HEADER_SIZE_UP_TO_MAGIC) return 0;
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic < 0 || magic > CURRENT_MAGIC) return fail(ErrorCode.CORRUPT_MESSAGE, `Invalid magic found in record: ${magic}`);
  const size = batchLength + LOG_OVERHEAD;
  return remaining < size ? 0 : size;
}

function validateEach(buf: Buffer, options: ValidateOptions): ValidationResult {
  let pos = 0;
  let batchCount = 0;
  let recordCount = 0;
  let offsetCount = 0;
  let maxTimestamp = -1;
  let lastOffsetDelta = -1;
  while (pos < buf.length) {
    const size = nextBatchSize(buf, pos);
    if (typeof size === 'object') return size;
    if (size === 0) break;
    const problem = checkBatch(buf, pos, size, options);
    if (problem !== null) return problem;
    batchCount++;
    recordCount += buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
    lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    offsetCount += lastOffsetDelta + 1;
    maxTimestamp = Math.max(maxTimestamp, Number(buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET)));
    pos += size;
  }
  if (pos < buf.length && !(options.trimTrailingPartial ?? false)) {
    return fail(ErrorCode.CORRUPT_MESSAGE, `Trailing partial record batch: ${buf.length - pos} bytes after the last complete batch`);
  }
  return {
    ok: true,
    batchCount,
    recordCount,
    offsetCount,
    validBytes: pos,
    firstTimestamp: Number(buf.readBigInt64BE(BASE_TIMESTAMP_OFFSET)),
    maxTimestamp,
    compression: buf.readInt16BE(ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK,
    isTransactional: (buf.readInt16BE(ATTRIBUTES_OFFSET) & TRANSACTIONAL_FLAG_MASK) !== 0,
    producerId: buf.readBigInt64BE(PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(BASE_SEQUENCE_OFFSET),
    lastOffsetDelta,
  };
}

/** Steps 2-4 of the header comment for the complete batch at `pos`. */
function checkBatch(buf: Buffer, pos: number, size: number, options: ValidateOptions): InvalidBatches | null {
  if (buf[pos + MAGIC_OFFSET] !== CURRENT_MAGIC) {
    return fail(ErrorCode.INVALID_RECORD, `Batch magic ${buf[pos + MAGIC_OFFSET]} is not the same as the first batch's magic 2`);
  }
  if (size > options.maxMessageBytes) {
    return fail(ErrorCode.MESSAGE_TOO_LARGE, `The record batch size ${size} bytes exceeds max.message.bytes ${options.maxMessageBytes}`);
  }
  if (size < RECORD_BATCH_OVERHEAD) {
    return fail(ErrorCode.CORRUPT_MESSAGE, `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`);
  }
  if (!batchCrcMatches(buf, pos, size)) return fail(ErrorCode.CORRUPT_MESSAGE, 'Record is corrupt (CRC32C mismatch)');
  if (options.clientOrigin ?? true) {
    const problem = checkClientBatch(buf, pos);
    if (problem !== null) return problem;
  }
  return checkFraming(buf, pos, size);
}

/** LogValidator.validateBatch for AppendOrigin.CLIENT. */
function checkClientBatch(buf: Buffer, pos: number): InvalidBatches | null {
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  if (lastOffsetDelta + 1 <= 0) return fail(ErrorCode.INVALID_RECORD, `Batch has an invalid offset range: lastOffsetDelta ${lastOffsetDelta}`);
  if (count <= 0) return fail(ErrorCode.INVALID_RECORD, `Invalid reported count for record batch: ${count}`);
  if (lastOffsetDelta + 1 !== count) {
    return fail(ErrorCode.INVALID_RECORD, `Inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${count}`);
  }
  if ((buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & CONTROL_FLAG_MASK) !== 0) {
    return fail(ErrorCode.INVALID_RECORD, 'Clients are not allowed to write control records');
  }
  const producerId = buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET);
  const baseSequence = buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
  if (producerId >= 0n && baseSequence < 0) {
    return fail(ErrorCode.INVALID_RECORD, `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId}`);
  }
  return null;
}

function checkFraming(buf: Buffer, pos: number, size: number): InvalidBatches | null {
  if ((buf.readInt16BE(pos + ATTRIBUTES_OFFSET) & COMPRESSION_CODEC_MASK) !== CompressionType.None) return null;
  const count = buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
  const reason = checkRecordFraming(buf, pos + RECORD_BATCH_OVERHEAD, pos + size, count, scratch);
  scratch.buf = EMPTY; // do not keep the request's buffer alive
  return reason === null ? null : fail(ErrorCode.INVALID_RECORD, reason);
}

const EMPTY = Buffer.alloc(0);

function fail(errorCode: number, message: string): InvalidBatches {
  return { ok: false, errorCode, message };
}
