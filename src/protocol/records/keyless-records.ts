/**
 * Records without a key in a produce request's batches: a compacted topic refuses them (Kafka's
 * LogValidator.validateKey). Only compacted topics pay for this look inside the batches, which
 * means decompressing compressed ones, as Kafka's broker does for them.
 */
import { decodeRecordBatch, batchPositions } from './record-batch-reader.js';

/** The index of every keyless record, counted across the batches in order (Kafka's batchIndex). */
export async function keylessRecordIndexes(buf: Buffer): Promise<number[]> {
  const keyless: number[] = [];
  let index = 0;
  for (const pos of batchPositions(buf)) {
    const batch = await decodeRecordBatch(buf, pos);
    if (batch.header.isControl) {
      index += batch.records.length;
      continue;
    }
    for (const r of batch.records) {
      if (r.key === null) keyless.push(index);
      index++;
    }
  }
  return keyless;
}
