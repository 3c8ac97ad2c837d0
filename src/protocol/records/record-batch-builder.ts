/**
 * Builds one v2 RecordBatch (Kafka's MemoryRecordsBuilder for magic 2): records get consecutive
 * offset deltas from 0, timestamp deltas against the first record's timestamp (baseTimestamp, as
 * Kafka writes it), and the CRC32C is computed last over the final bytes. Used by the broker for
 * its own logs (metadata, coordinators, control markers) and by tests.
 *
 * Invariant: the output passes validateRecordBatches (with clientOrigin false for control batches).
 */
import {
  ATTRIBUTES_OFFSET,
  BASE_OFFSET_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_LENGTH_OFFSET,
  CompressionType,
  CONTROL_FLAG_MASK,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORDS_COUNT_OFFSET,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
} from './batch-header.js';
import { writeBatchCrc } from './batch-crc.js';
import { compress } from './compression.js';
import { encodeRecords, type RecordToEncode } from './record-codec.js';

export const enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

export type Bytes = Buffer | string | null;

export interface RecordInput {
  key?: Bytes;
  value?: Bytes;
  headers?: readonly { key: string; value: Bytes }[];
  timestamp: number;
}

export interface BuildBatchOptions {
  baseOffset: number | bigint;
  records: readonly RecordInput[];
  compression?: CompressionType;
  producerId?: number | bigint;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: TimestampType;
  /** LogAppendTime batches: the broker's append time, written as maxTimestamp. */
  logAppendTimeMs?: number;
}

export async function buildRecordBatch(options: BuildBatchOptions): Promise<Buffer> {
  const first = options.records[0];
  if (first === undefined) throw new RangeError('a record batch needs at least one record');
  const baseTimestamp = first.timestamp;
  const encoded = encodeRecords(options.records.map((r, i) => toEncode(r, i, baseTimestamp)));
  const compression = options.compression ?? CompressionType.None;
  const body = await compress(compression, encoded);
  const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
  writeHeader(batch, options, compression, baseTimestamp);
  body.copy(batch, RECORD_BATCH_OVERHEAD);
  writeBatchCrc(batch, 0, batch.length);
  return batch;
}

function toEncode(r: RecordInput, index: number, baseTimestamp: number): RecordToEncode {
  return {
    offsetDelta: index,
    timestampDelta: r.timestamp - baseTimestamp,
    key: toBuffer(r.key),
    value: toBuffer(r.value),
    headers: (r.headers ?? []).map((h) => ({ key: h.key, value: toBuffer(h.value) })),
  };
}

function toBuffer(b: Bytes | undefined): Buffer | null {
  if (b === undefined || b === null) return null;
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
}

function writeHeader(batch: Buffer, o: BuildBatchOptions, compression: number, baseTimestamp: number): void {
  const count = o.records.length;
  const logAppend = (o.timestampType ?? TimestampType.CreateTime) === TimestampType.LogAppendTime;
  batch.writeBigInt64BE(BigInt(o.baseOffset), BASE_OFFSET_OFFSET);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  batch.writeInt32BE(o.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_OFFSET);
  batch.writeInt8(2, MAGIC_OFFSET);
  batch.writeInt16BE(attributes(o, compression, logAppend), ATTRIBUTES_OFFSET);
  batch.writeInt32BE(count - 1, LAST_OFFSET_DELTA_OFFSET);
  batch.writeBigInt64BE(BigInt(baseTimestamp), BASE_TIMESTAMP_OFFSET);
  batch.writeBigInt64BE(BigInt(maxTimestampOf(o, logAppend)), MAX_TIMESTAMP_OFFSET);
  batch.writeBigInt64BE(BigInt(o.producerId ?? -1), PRODUCER_ID_OFFSET);
  batch.writeInt16BE(o.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
  batch.writeInt32BE(o.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
  batch.writeInt32BE(count, RECORDS_COUNT_OFFSET);
}

function attributes(o: BuildBatchOptions, compression: number, logAppend: boolean): number {
  let a = compression;
  if (logAppend) a |= TIMESTAMP_TYPE_MASK;
  if (o.isTransactional ?? false) a |= TRANSACTIONAL_FLAG_MASK;
  if (o.isControl ?? false) a |= CONTROL_FLAG_MASK;
  return a;
}

function maxTimestampOf(o: BuildBatchOptions, logAppend: boolean): number {
  if (logAppend && o.logAppendTimeMs !== undefined) return o.logAppendTimeMs;
  let max = -1;
  for (const r of o.records) max = Math.max(max, r.timestamp);
  return max;
}
