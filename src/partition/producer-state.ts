/**
 * Idempotent-producer state of one partition (Kafka's ProducerStateManager): for each producer id,
 * its epoch and the metadata of its last five batches, so a retried batch is recognised and
 * answered with its original offset instead of being written twice, and a gap in sequence
 * numbers is refused.
 *
 * Kafka's rules, kept exactly (ProducerAppendInfo.checkProducerEpoch / checkSequence):
 * - an epoch older than the producer's current one: INVALID_PRODUCER_EPOCH;
 * - a batch equal (epoch, first and last sequence) to one of the last five: a duplicate;
 * - a new epoch must start at sequence 0, unless the producer had no epoch yet (its state was
 *   lost to retention or a restart, KIP-360: then any sequence is accepted);
 * - within an epoch the first sequence must follow the last one (Int32.MAX wraps to 0):
 *   otherwise OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * Invariant: state changes only through `record`, called once per appended batch in offset order,
 * both on the produce path and when rebuilding from the log or a snapshot.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';

/** Kafka keeps this many batches per producer for duplicate detection (NUM_BATCHES_TO_RETAIN). */
export const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  /** Offset of the batch's last record. */
  lastOffset: number;
  /** lastOffset - firstOffset. */
  offsetDelta: number;
  timestamp: number;
}

export interface ProducerEntry {
  producerId: bigint;
  epoch: number;
  batches: BatchMetadata[];
  /** Timestamp of the last batch (producer.id.expiration.ms counts from it). */
  lastTimestamp: number;
}

export interface IdempotentBatch {
  producerId: bigint;
  epoch: number;
  firstSeq: number;
  /** firstSeq + lastOffsetDelta, wrapping at Int32.MAX. */
  lastSeq: number;
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/** firstSeq + delta in Kafka's sequence space (0..Int32.MAX, wrapping); delta may be negative. */
export function lastSequenceOf(firstSeq: number, lastOffsetDelta: number): number {
  const span = INT32_MAX + 1;
  return (((firstSeq + lastOffsetDelta) % span) + span) % span;
}

export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values();
  }

  get(producerId: bigint): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Whether a client batch may be appended, is a retry of one already in the log, or is refused. */
  check(batch: IdempotentBatch): SequenceCheck {
    const entry = this.producers.get(batch.producerId);
    if (entry === undefined) return { kind: 'append' };
    if (batch.epoch < entry.epoch) {
      return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, message: `Epoch of producer ${batch.producerId} at offset is ${batch.epoch}, which is smaller than the last seen epoch ${entry.epoch}` };
    }
    const dup = batch.epoch === entry.epoch ? entry.batches.find((b) => b.firstSeq === batch.firstSeq && b.lastSeq === batch.lastSeq) : undefined;
    if (dup !== undefined) return { kind: 'duplicate', firstOffset: dup.lastOffset - dup.offsetDelta, lastOffset: dup.lastOffset };
    if (batch.epoch !== entry.epoch) {
      if (batch.firstSeq !== 0) {
        return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message: `Invalid sequence number for new epoch of producer ${batch.producerId}: ${batch.epoch} (request epoch), ${batch.firstSeq} (seq. number), ${entry.epoch} (current producer epoch)` };
      }
      return { kind: 'append' };
    }
    const last = entry.batches[entry.batches.length - 1];
    if (last !== undefined && !inSequence(last.lastSeq, batch.firstSeq)) {
      return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message: `Out of order sequence number for producer ${batch.producerId}: ${batch.firstSeq} (incoming seq. number), ${last.lastSeq} (current end sequence number)` };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (from the produce path, the log, or a snapshot). */
  record(batch: IdempotentBatch, firstOffset: number, lastOffset: number, timestamp: number): void {
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined || batch.epoch !== entry.epoch) {
      entry = { producerId: batch.producerId, epoch: batch.epoch, batches: [], lastTimestamp: timestamp };
      this.producers.set(batch.producerId, entry);
    }
    entry.batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, lastOffset, offsetDelta: lastOffset - firstOffset, timestamp });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = Math.max(entry.lastTimestamp, timestamp);
  }

  /** Restores one producer from a snapshot entry (Kafka keeps only the last batch there). */
  restore(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry);
  }

  /** Forgets producers idle longer than producer.id.expiration.ms; returns how many. */
  expire(nowMs: number, expirationMs: number): number {
    let n = 0;
    for (const [id, e] of this.producers) {
      if (nowMs - e.lastTimestamp >= expirationMs) {
        this.producers.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Drops state for producers whose batches all lie below the log start offset (retention, DeleteRecords). */
  truncateHead(logStartOffset: number): void {
    for (const [id, e] of this.producers) {
      const last = e.batches[e.batches.length - 1];
      if (last === undefined || last.lastOffset < logStartOffset) this.producers.delete(id);
    }
  }
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}
