/**
 * Rebuilds a partition's idempotent-producer state when its replica loads (Kafka's
 * UnifiedLog.rebuildProducerState): the newest valid snapshot at or below the log end offset,
 * then every batch after it, read from the log (headers only: no decompression). A snapshot
 * beyond the log end (the log was truncated by recovery) is deleted, not trusted.
 *
 * Snapshots are written at clean shutdown, so after one only the snapshot is read; after a crash
 * the log is scanned from the last snapshot.
 */
import type { FileSystem } from '../io/file-system.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { decodeSnapshot, listSnapshots, snapshotPath, writeSnapshot } from '../storage/producer-snapshot.js';
import { readBatchHeader } from '../protocol/records/record-batch-reader.js';
import { batchSizeAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { lastSequenceOf, ProducerStateManager } from './producer-state.js';

const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

export async function loadProducerState(fs: FileSystem, log: PartitionLog): Promise<ProducerStateManager> {
  const state = new ProducerStateManager();
  const from = await restoreNewestSnapshot(fs, log, state);
  await scanLog(log, Math.max(from, log.logStartOffset), state);
  state.truncateHead(log.logStartOffset);
  return state;
}

/** Restores the newest usable snapshot; returns the offset the log scan starts at. */
async function restoreNewestSnapshot(fs: FileSystem, log: PartitionLog, state: ProducerStateManager): Promise<number> {
  const offsets = await listSnapshots(fs, log.dir);
  for (const offset of offsets.reverse()) {
    const path = snapshotPath(log.dir, offset);
    const entries = offset <= log.logEndOffset ? decodeSnapshot(await fs.readFile(path)) : null;
    if (entries === null) {
      await fs.rm(path);
      continue;
    }
    for (const e of entries) {
      const lastOffset = Number(e.lastOffset);
      state.restore({
        producerId: e.producerId,
        epoch: e.epoch,
        batches: [{ firstSeq: lastSequenceOf(e.lastSequence, -e.offsetDelta), lastSeq: e.lastSequence, lastOffset, offsetDelta: e.offsetDelta, timestamp: Number(e.timestamp) }],
        lastTimestamp: Number(e.timestamp),
      });
    }
    return offset;
  }
  return 0;
}

async function scanLog(log: PartitionLog, from: number, state: ProducerStateManager): Promise<void> {
  let offset = from;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, SCAN_CHUNK_BYTES, true);
    if (read.kind !== 'ok' || read.records.length === 0) return;
    const next = scanChunk(read.records, offset, state);
    if (next <= offset) return;
    offset = next;
  }
}

/** Records every idempotent batch wholly inside `chunk` at or after `from`; returns the next offset. */
function scanChunk(chunk: Buffer, from: number, state: ProducerStateManager): number {
  let pos = 0;
  let next = from;
  while (pos + LOG_OVERHEAD <= chunk.length && pos + batchSizeAt(chunk, pos) <= chunk.length) {
    const h = readBatchHeader(chunk, pos);
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    if (lastOffset >= from && h.producerId >= 0n && !h.isControl) {
      state.record({ producerId: h.producerId, epoch: h.producerEpoch, firstSeq: h.baseSequence, lastSeq: lastSequenceOf(h.baseSequence, h.lastOffsetDelta) }, h.baseOffset, lastOffset, h.maxTimestamp);
    }
    next = lastOffset + 1;
    pos += h.sizeInBytes;
  }
  return next;
}

/** Writes the state as of the log end offset (at clean shutdown), in Kafka's snapshot format. */
export async function saveProducerState(fs: FileSystem, log: PartitionLog, state: ProducerStateManager): Promise<void> {
  if (state.size === 0) return;
  const entries = [...state.entries()].flatMap((e) => {
    const last = e.batches[e.batches.length - 1];
    if (last === undefined) return [];
    return [{ producerId: e.producerId, epoch: e.epoch, lastSequence: last.lastSeq, lastOffset: BigInt(last.lastOffset), offsetDelta: last.offsetDelta, timestamp: BigInt(last.timestamp), coordinatorEpoch: -1, currentTxnFirstOffset: -1n }];
  });
  await writeSnapshot(fs, log.dir, log.logEndOffset, entries);
}
