/**
 * Opens one v2 batch when a feature needs its records (compaction, schema validation, ListOffsets
 * by timestamp, the broker's own logs): header fields as an object, records decompressed and
 * decoded. Not for the produce/fetch hot paths, which stay on raw bytes (DESIGN.md).
 *
 * Errors throw RecordBatchError: CORRUPT_MESSAGE for a batch that is cut short, not magic 2, or
 * undecompressable; INVALID_RECORD for bad record structure inside it.
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_OFFSET,
  DELETE_HORIZON_FLAG_MASK,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  baseOffsetAt,
  batchSizeAt,
  lastOffsetDeltaAt,
  maxTimestampAt,
  recordsCountAt,
} from './batch-header.js';
import { decompress } from './compression.js';
import { decodeRecords, type DecodedRecord } from './record-codec.js';
import { corruptMessage } from './record-errors.js';

export interface RecordBatchHeader {
  baseOffset: number;
  /** Total bytes of the batch, header included. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  /** 0 CreateTime, 1 LogAppendTime. */
  timestampType: number;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export interface DecodedBatch {
  header: RecordBatchHeader;
  records: DecodedRecord[];
}

/** Reads the header of the complete v2 batch at `pos`; throws CORRUPT_MESSAGE otherwise. */
export function readBatchHeader(buf: Buffer, pos = 0): RecordBatchHeader {
  if (buf.length - pos < RECORD_BATCH_OVERHEAD) throw corruptMessage(`batch at ${pos} is shorter than its header`);
  const size = batchSizeAt(buf, pos);
  if (size < RECORD_BATCH_OVERHEAD || pos + size > buf.length) throw corruptMessage(`batch at ${pos} claims ${size} bytes`);
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== 2) throw corruptMessage(`batch at ${pos} has magic ${magic}, only 2 is supported`);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  return {
    baseOffset: baseOffsetAt(buf, pos),
    sizeInBytes: size,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_OFFSET),
    magic,
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes,
    compression: attributes & COMPRESSION_CODEC_MASK,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) === 0 ? 0 : 1,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
    lastOffsetDelta: lastOffsetDeltaAt(buf, pos),
    baseTimestamp: Number(buf.readBigInt64BE(pos + BASE_TIMESTAMP_OFFSET)),
    maxTimestamp: maxTimestampAt(buf, pos),
    producerId: buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordsCount: recordsCountAt(buf, pos),
  };
}

/** Decompresses and decodes the records of the batch at `pos`. */
export async function decodeRecordBatch(buf: Buffer, pos = 0): Promise<DecodedBatch> {
  const header = readBatchHeader(buf, pos);
  const body = buf.subarray(pos + RECORD_BATCH_OVERHEAD, pos + header.sizeInBytes);
  let records: Buffer;
  try {
    records = await decompress(header.compression, body);
  } catch (err) {
    throw corruptMessage(`batch at ${pos}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  return { header, records: decodeRecords(records, header.recordsCount) };
}

/** A record's timestamp as Kafka reports it: LogAppendTime batches give every record maxTimestamp. */
export function recordTimestamp(header: RecordBatchHeader, record: DecodedRecord): number {
  return header.timestampType === 1 ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta;
}

/** Every complete batch's start position in `buf` (a log segment slice or a Fetch records field). */
export function batchPositions(buf: Buffer): number[] {
  const positions: number[] = [];
  for (let pos = 0; buf.length - pos >= LOG_OVERHEAD; ) {
    const size = batchSizeAt(buf, pos);
    if (size < RECORD_BATCH_OVERHEAD || pos + size > buf.length) break;
    positions.push(pos);
    pos += size;
  }
  return positions;
}
