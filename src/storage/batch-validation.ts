/**
 * What storage checks about a RecordBatch v2 without decoding its records: the length is sane, the
 * magic byte is 2 and the CRC32C over bytes ATTRIBUTES_OFFSET..end matches. Recovery uses the full
 * check on every batch it re-reads; append uses the structural walk (the produce handler has already
 * checked CRCs, and recomputing them would double the hot path's CPU).
 *
 * Invariant: nothing here allocates per batch beyond what crc32c needs (a subarray view).
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  CRC_OFFSET,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  batchSizeAt,
  lastOffsetDeltaAt,
} from '../protocol/records/batch-header.js';
import { InvalidBatchesError } from './errors.js';

export const MAGIC_V2 = 2;

/** Full check of the batch at `buf[at..at+size)`; returns why it is invalid, or null. */
export function batchError(buf: Buffer, at: number, size: number): string | null {
  if (size < RECORD_BATCH_OVERHEAD) return `batch length ${size} is shorter than a v2 header`;
  if (at + size > buf.length) return 'batch is truncated';
  const magic = buf.readInt8(at + MAGIC_OFFSET);
  if (magic !== MAGIC_V2) return `magic ${magic} is not 2`;
  if (lastOffsetDeltaAt(buf, at) < 0) return 'negative lastOffsetDelta';
  const stored = buf.readUInt32BE(at + CRC_OFFSET);
  const computed = crc32c(buf.subarray(at + ATTRIBUTES_OFFSET, at + size));
  if (stored !== computed) return `CRC32C mismatch (stored ${stored}, computed ${computed})`;
  return null;
}

/** Per-append totals gathered by the structural walk. */
export interface AppendShape {
  batchCount: number;
  /** Sum over batches of lastOffsetDelta + 1: how many offsets the append consumes. */
  offsetCount: number;
  largestBatchBytes: number;
}

/**
 * Walks `buf` batch by batch checking that the sizes chain exactly to its end and each magic is 2;
 * throws InvalidBatchesError otherwise, before any offset is assigned.
 */
export function appendShape(buf: Buffer): AppendShape {
  let pos = 0;
  let batchCount = 0;
  let offsetCount = 0;
  let largestBatchBytes = 0;
  while (pos < buf.length) {
    if (buf.length - pos < RECORD_BATCH_OVERHEAD) throw new InvalidBatchesError(`trailing ${buf.length - pos} bytes are not a batch`);
    const size = batchSizeAt(buf, pos);
    if (size < RECORD_BATCH_OVERHEAD || pos + size > buf.length) throw new InvalidBatchesError(`batch at ${pos} has bad length ${size}`);
    if (buf.readInt8(pos + MAGIC_OFFSET) !== MAGIC_V2) throw new InvalidBatchesError(`batch at ${pos} is not magic 2`);
    const delta = lastOffsetDeltaAt(buf, pos);
    if (delta < 0) throw new InvalidBatchesError(`batch at ${pos} has negative lastOffsetDelta`);
    offsetCount += delta + 1;
    largestBatchBytes = Math.max(largestBatchBytes, size);
    batchCount++;
    pos += size;
  }
  if (batchCount === 0) throw new InvalidBatchesError('append of zero batches');
  return { batchCount, offsetCount, largestBatchBytes };
}
