/**
 * Test helper (not a test itself): builds minimal valid RecordBatch v2 bytes, a 61-byte header plus
 * opaque "record" bytes, with a correct CRC32C over bytes ATTRIBUTES_OFFSET..end. Storage never
 * decodes records, so their content only has to be deterministic.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORDS_COUNT_OFFSET,
  RECORD_BATCH_OVERHEAD,
} from '../protocol/records/batch-header.js';

export interface TestBatchSpec {
  records?: number;
  payloadBytes?: number;
  maxTimestamp?: number;
  /** Seed for the payload bytes, so every batch is distinguishable. */
  seed?: number;
}

export function makeBatch(spec: TestBatchSpec = {}): Buffer {
  const records = spec.records ?? 1;
  const payload = spec.payloadBytes ?? 20;
  const buf = Buffer.alloc(RECORD_BATCH_OVERHEAD + payload);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  buf.writeInt8(2, MAGIC_OFFSET);
  buf.writeInt16BE(0, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(records - 1, LAST_OFFSET_DELTA_OFFSET);
  const ts = BigInt(spec.maxTimestamp ?? 1_700_000_000_000);
  buf.writeBigInt64BE(ts, BASE_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(ts, MAX_TIMESTAMP_OFFSET);
  buf.writeBigInt64BE(-1n, PRODUCER_ID_OFFSET);
  buf.writeInt32BE(records, RECORDS_COUNT_OFFSET);
  const seed = spec.seed ?? 0;
  for (let i = 0; i < payload; i++) buf[RECORD_BATCH_OVERHEAD + i] = (seed * 31 + i * 7) & 0xff;
  writeCrc(buf);
  return buf;
}

export function writeCrc(batch: Buffer): void {
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
}

/** Concatenates batches into one produce-style buffer. */
export function concatBatches(batches: readonly Buffer[]): Buffer {
  return Buffer.concat(batches);
}
