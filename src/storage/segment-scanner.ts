/**
 * Sequential batch scanning over a file region, in large chunks: recovery, the clean-shutdown tail
 * check and timestamp search read batches this way. Not the fetch path (that does one positional
 * read per fetch).
 *
 * Invariant: the visitor only ever sees whole batches (every byte of [at, at+size) is in `chunk`);
 * the scan stops at the first header that is short or whose length runs past `end`.
 */
import { LOG_OVERHEAD, RECORD_BATCH_OVERHEAD, batchSizeAt } from '../protocol/records/batch-header.js';
import type { FileHandle } from '../io/file-system.js';

export const SCAN_CHUNK_BYTES = 1024 * 1024;

export interface ScannedBatch {
  chunk: Buffer;
  at: number;
  position: number;
  size: number;
}

export interface ScanResult {
  /** File position where the scan stopped: `end`, or the start of the batch it could not accept. */
  position: number;
  stop: 'end' | 'visitor' | 'truncated' | 'badLength';
}

/** Calls `visit` on each whole batch in [start, end); `visit` returns false to stop at that batch. */
export async function scanBatches(
  file: FileHandle,
  start: number,
  end: number,
  visit: (b: ScannedBatch) => boolean,
  chunkBytes = SCAN_CHUNK_BYTES,
): Promise<ScanResult> {
  let chunk = Buffer.alloc(0);
  let chunkPos = start;
  const ensure = async (pos: number, n: number): Promise<void> => {
    if (pos >= chunkPos && pos + n <= chunkPos + chunk.length) return;
    const len = Math.min(Math.max(n, chunkBytes), end - pos);
    chunk = Buffer.allocUnsafe(len);
    const got = await file.read(chunk, 0, len, pos);
    chunk = chunk.subarray(0, got);
    chunkPos = pos;
  };
  let pos = start;
  while (pos < end) {
    if (end - pos < LOG_OVERHEAD) return { position: pos, stop: 'truncated' };
    await ensure(pos, LOG_OVERHEAD);
    if (chunk.length < pos - chunkPos + LOG_OVERHEAD) return { position: pos, stop: 'truncated' };
    const size = batchSizeAt(chunk, pos - chunkPos);
    if (size < RECORD_BATCH_OVERHEAD) return { position: pos, stop: 'badLength' };
    if (size > end - pos) return { position: pos, stop: 'truncated' };
    await ensure(pos, size);
    if (chunk.length < pos - chunkPos + size) return { position: pos, stop: 'truncated' };
    if (!visit({ chunk, at: pos - chunkPos, position: pos, size })) return { position: pos, stop: 'visitor' };
    pos += size;
  }
  return { position: pos, stop: 'end' };
}
