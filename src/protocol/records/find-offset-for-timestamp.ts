/**
 * ListOffsets by timestamp inside one batch (Kafka's LogSegment.findOffsetByTimestamp): the first
 * record whose timestamp is >= the target. The header's maxTimestamp answers "not here" without
 * decompressing; only a batch that may hold the answer is opened. For LogAppendTime batches every
 * record carries the batch's maxTimestamp, so the answer is the first record.
 */
import { decodeRecordBatch, readBatchHeader, recordTimestamp } from './record-batch-reader.js';

export interface OffsetAndTimestamp {
  offset: number;
  timestamp: number;
}

export async function findOffsetForTimestamp(
  batch: Buffer,
  targetMs: number,
  pos = 0,
): Promise<OffsetAndTimestamp | null> {
  if (readBatchHeader(batch, pos).maxTimestamp < targetMs) return null;
  const { header, records } = await decodeRecordBatch(batch, pos);
  for (const record of records) {
    const timestamp = recordTimestamp(header, record);
    if (timestamp >= targetMs) return { offset: header.baseOffset + record.offsetDelta, timestamp };
  }
  return null;
}
