/**
 * CRC32C of a v2 batch: it covers attributes .. end of batch (batch-header.ts), so baseOffset and
 * partitionLeaderEpoch can be patched by the broker without touching it, while any change to the
 * attributes, timestamps, producer fields or records requires `writeBatchCrc`.
 */
import crc32Package from '@node-rs/crc32';
import { ATTRIBUTES_OFFSET, CRC_OFFSET } from './batch-header.js';

const { crc32c } = crc32Package;

/** The CRC32C of the batch at `pos` of `size` bytes, as Kafka's DefaultRecordBatch.computeChecksum. */
export function computeBatchCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
}

export function batchCrcMatches(buf: Buffer, pos: number, size: number): boolean {
  return buf.readUInt32BE(pos + CRC_OFFSET) === computeBatchCrc(buf, pos, size);
}

export function writeBatchCrc(buf: Buffer, pos: number, size: number): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos, size), pos + CRC_OFFSET);
}
