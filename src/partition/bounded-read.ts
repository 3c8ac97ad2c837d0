/**
 * Cutting a read of the log at an offset bound: what a fetch may see ends at the high watermark
 * (read_uncommitted) or the last stable offset (read_committed), while the log's bytes run to the
 * log end offset. Kafka's leader bounds the read by the position of that offset; ours cuts whole
 * batches: a batch never straddles the HW or the LSO, since both only ever sit on a batch boundary
 * (the HW moves to the end of appended batches, the LSO is the first offset of a transaction's
 * first batch).
 */
import { baseOffsetAt, batchSizeAt, lastOffsetDeltaAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';

/**
 * The whole batches of `records` that start below `limit`, and the offset after the last of them
 * (-1 when none). A batch cut by max_bytes at the end is kept (the client drops it); it counts as
 * covering at least its base offset.
 */
export function batchesBelow(records: Buffer, limit: number): { records: Buffer; end: number } {
  let pos = 0;
  let end = -1;
  while (records.length - pos >= LOG_OVERHEAD) {
    const base = baseOffsetAt(records, pos);
    if (base >= limit) break;
    const size = batchSizeAt(records, pos);
    if (pos + size > records.length) {
      end = Math.max(end, base + 1);
      pos = records.length;
      break;
    }
    end = base + lastOffsetDeltaAt(records, pos) + 1;
    pos += size;
  }
  return { records: pos === records.length ? records : records.subarray(0, pos), end };
}
