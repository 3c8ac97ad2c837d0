/**
 * RecordBatch v2 header layout (Kafka's DefaultRecordBatch): byte offsets of every header field and
 * small readers for the ones the broker needs without decoding records. Everything here reads a
 * batch that starts at `pos` inside a larger buffer, so callers never slice just to look.
 *
 * Invariant: a batch occupies BATCH_LENGTH_OFFSET + 4 + batchLength bytes; the CRC32C covers the
 * bytes from ATTRIBUTES_OFFSET to the end of the batch (baseOffset, batchLength,
 * partitionLeaderEpoch, magic and crc itself are outside it, which is why the broker may patch
 * baseOffset and partitionLeaderEpoch without recomputing the CRC).
 */
export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
/** Size of the v2 batch header; records (or their compressed form) follow. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the part of a batch not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** Bytes needed to learn a batch's magic byte. */
export const HEADER_SIZE_UP_TO_MAGIC = 17;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

export const enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Total bytes of the batch starting at `pos` (header included). */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BATCH_LENGTH_OFFSET) + LOG_OVERHEAD;
}

/** baseOffset as a JS number: offsets stay below 2^53 (checked where they are assigned). */
export function baseOffsetAt(buf: Buffer, pos: number): number {
  return Number(buf.readBigInt64BE(pos + BASE_OFFSET_OFFSET));
}

export function lastOffsetDeltaAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
}

export function maxTimestampAt(buf: Buffer, pos: number): number {
  return Number(buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET));
}

export function attributesAt(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
}

export function recordsCountAt(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + RECORDS_COUNT_OFFSET);
}
