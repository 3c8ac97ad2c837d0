/**
 * Rebuilds a partition's idempotent-producer state when its replica loads (Kafka's
 * UnifiedLog.rebuildProducerState): the newest valid snapshot at or below the log end offset,
 * then every batch after it, read from the log (headers only: no decompression). A snapshot
 * beyond the log end (the log was truncated by recovery) is deleted, not trusted.
 *
 * Snapshots are written at clean shutdown, so after one only the snapshot is read; after a crash
 * the log is scanned from the last snapshot. Transaction markers in the scanned range close open
 * transactions as they did when appended. Aborted transactions that ended before the snapshot are
 * not in it: they come from the per-segment .txnindex files (storage/transaction-index.ts), so a
 * restart never reads the log below the snapshot.
 */
import type { FileSystem } from '../io/file-system.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { decodeSnapshot, listSnapshots, snapshotPath, writeSnapshot } from '../storage/producer-snapshot.js';
import { readAbortedTxns } from '../storage/transaction-index.js';
import { decodeRecordBatch, readBatchHeader } from '../protocol/records/record-batch-reader.js';
import { decodeControlRecordType, ControlRecordType } from '../protocol/records/control-record.js';
import { batchSizeAt, LOG_OVERHEAD } from '../protocol/records/batch-header.js';
import { lastSequenceOf, ProducerStateManager, type AbortedTxn } from './producer-state.js';

const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

export async function loadProducerState(fs: FileSystem, log: PartitionLog): Promise<ProducerStateManager> {
  const state = new ProducerStateManager();
  const from = await restoreNewestSnapshot(fs, log, state);
  // Aborts before the snapshot come from the .txnindex files; after it, from the log scan below.
  for (const t of await readAbortedTxns(fs, log.dir, log.logStartOffset, from)) state.addAborted(t);
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
        batches: e.lastSequence < 0 ? [] : [{ firstSeq: lastSequenceOf(e.lastSequence, -e.offsetDelta), lastSeq: e.lastSequence, lastOffset, offsetDelta: e.offsetDelta, timestamp: Number(e.timestamp) }],
        lastTimestamp: Number(e.timestamp),
        currentTxnFirstOffset: Number(e.currentTxnFirstOffset),
        coordinatorEpoch: e.coordinatorEpoch,
      });
    }
    return offset;
  }
  return 0;
}

async function scanLog(log: PartitionLog, from: number, state: ProducerStateManager): Promise<void> {
  await forEachBatch(log, from, log.logEndOffset, async (chunk, pos) => {
    await recordBatch(chunk, pos, state);
  });
}

/**
 * Records the batch at `pos` in `state` as its leader did when appending it (a follower's append,
 * or a replay after a restart); returns the aborted transaction an ABORT marker closes, else null.
 */
export async function recordBatch(chunk: Buffer, pos: number, state: ProducerStateManager): Promise<AbortedTxn | null> {
  const h = readBatchHeader(chunk, pos);
  const lastOffset = h.baseOffset + h.lastOffsetDelta;
  if (h.producerId < 0n) return null;
  if (h.isControl) {
    const marker = await markerOf(chunk, pos);
    return marker === null ? null : state.completeTxn(h.producerId, h.producerEpoch, marker.commit, h.baseOffset, marker.coordinatorEpoch, h.maxTimestamp);
  }
  state.record({ producerId: h.producerId, epoch: h.producerEpoch, firstSeq: h.baseSequence, lastSeq: lastSequenceOf(h.baseSequence, h.lastOffsetDelta), isTransactional: h.isTransactional }, h.baseOffset, lastOffset, h.maxTimestamp);
  return null;
}

/** Calls `fn` for each whole batch whose last offset is in [from, end), in log order. */
async function forEachBatch(log: PartitionLog, from: number, end: number, fn: (chunk: Buffer, pos: number) => Promise<void>): Promise<void> {
  let offset = from;
  while (offset < end && offset < log.logEndOffset) {
    const read = await log.read(offset, SCAN_CHUNK_BYTES, true);
    if (read.kind !== 'ok' || read.records.length === 0) return;
    const chunk = read.records;
    let pos = 0;
    let next = offset;
    while (pos + LOG_OVERHEAD <= chunk.length && pos + batchSizeAt(chunk, pos) <= chunk.length) {
      const h = readBatchHeader(chunk, pos);
      const lastOffset = h.baseOffset + h.lastOffsetDelta;
      if (lastOffset >= end) return;
      if (lastOffset >= offset) await fn(chunk, pos);
      next = lastOffset + 1;
      pos += h.sizeInBytes;
    }
    if (next <= offset) return;
    offset = next;
  }
}

/** The transaction marker of the control batch at `pos`, or null for another control record. */
async function markerOf(chunk: Buffer, pos: number): Promise<{ commit: boolean; coordinatorEpoch: number } | null> {
  const { records } = await decodeRecordBatch(chunk, pos);
  const r = records[0];
  if (r === undefined || r.key === null) return null;
  const type = decodeControlRecordType(r.key);
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) return null;
  return { commit: type === ControlRecordType.Commit, coordinatorEpoch: r.value !== null && r.value.length >= 6 ? r.value.readInt32BE(2) : -1 };
}

/** Writes the state as of the log end offset (at clean shutdown), in Kafka's snapshot format. */
export async function saveProducerState(fs: FileSystem, log: PartitionLog, state: ProducerStateManager): Promise<void> {
  if (state.size === 0) return;
  const entries = [...state.entries()].flatMap((e) => {
    const last = e.batches[e.batches.length - 1];
    // A producer known only from a marker (its epoch matters for fencing) has no batch: Kafka writes
    // it with sequence -1 and offset -1.
    if (last === undefined) return [{ producerId: e.producerId, epoch: e.epoch, lastSequence: -1, lastOffset: -1n, offsetDelta: 0, timestamp: BigInt(e.lastTimestamp), coordinatorEpoch: e.coordinatorEpoch, currentTxnFirstOffset: BigInt(e.currentTxnFirstOffset) }];
    return [{ producerId: e.producerId, epoch: e.epoch, lastSequence: last.lastSeq, lastOffset: BigInt(last.lastOffset), offsetDelta: last.offsetDelta, timestamp: BigInt(last.timestamp), coordinatorEpoch: e.coordinatorEpoch, currentTxnFirstOffset: BigInt(e.currentTxnFirstOffset) }];
  });
  await writeSnapshot(fs, log.dir, log.logEndOffset, entries);
}
