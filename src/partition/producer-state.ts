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
 * Transactions (Kafka's ProducerStateManager ongoing transactions, KIP-98): a transactional batch
 * opens the producer's transaction at its first offset unless one is open; a transaction marker
 * (control batch written by the transaction coordinator) closes it, sets the producer's epoch to the
 * marker's, and, for an abort, adds the transaction to the aborted-transaction index that read_committed
 * Fetch responses list. The first offset of the earliest open transaction bounds the last stable
 * offset (LSO = min(HW, it)).
 *
 * Invariant: state changes only through `record` and `completeTxn`, called once per appended batch in
 * offset order, both on the produce path and when rebuilding from the log or a snapshot.
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
  /** First offset of the producer's open transaction on this partition, -1 when none. */
  currentTxnFirstOffset: number;
  /** Coordinator epoch of the last transaction marker, -1 before any. */
  coordinatorEpoch: number;
}

/** An aborted transaction (Kafka's AbortedTxn index entry): its data lies in [firstOffset, lastOffset]. */
export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

export interface IdempotentBatch {
  producerId: bigint;
  epoch: number;
  firstSeq: number;
  /** firstSeq + lastOffsetDelta, wrapping at Int32.MAX. */
  lastSeq: number;
  /** The batch carries the transactional flag. */
  isTransactional?: boolean;
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
  /** Producer id -> first offset of its open transaction. */
  private readonly ongoing = new Map<bigint, number>();
  /** Aborted transactions in marker-offset order. */
  private readonly aborted: AbortedTxn[] = [];

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
    if (batch.isTransactional !== true && entry.currentTxnFirstOffset >= 0) {
      return { kind: 'error', errorCode: ErrorCode.INVALID_TXN_STATE, message: `Expected transactional write from producer ${batch.producerId} at offset ${entry.currentTxnFirstOffset}` };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (from the produce path, the log, or a snapshot). */
  record(batch: IdempotentBatch, firstOffset: number, lastOffset: number, timestamp: number): void {
    const entry = this.entryForEpoch(batch.producerId, batch.epoch, timestamp);
    entry.batches.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, lastOffset, offsetDelta: lastOffset - firstOffset, timestamp });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = Math.max(entry.lastTimestamp, timestamp);
    if (batch.isTransactional === true && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(batch.producerId, firstOffset);
    }
  }

  /** The producer's entry, reset (no batches kept) when `epoch` is a new one; created if missing. */
  private entryForEpoch(producerId: bigint, epoch: number, timestamp: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (entry === undefined) {
      entry = { producerId, epoch, batches: [], lastTimestamp: timestamp, currentTxnFirstOffset: -1, coordinatorEpoch: -1 };
      this.producers.set(producerId, entry);
    } else if (entry.epoch !== epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    return entry;
  }

  /**
   * Whether a transaction marker for `producerId` at `epoch` may be written (Kafka's
   * ProducerAppendInfo.appendEndTxnMarker checks): an older producer epoch is INVALID_PRODUCER_EPOCH,
   * an older coordinator epoch TRANSACTION_COORDINATOR_FENCED.
   */
  checkMarker(producerId: bigint, epoch: number, coordinatorEpoch: number): { errorCode: number; message: string } | null {
    const entry = this.producers.get(producerId);
    if (entry === undefined) return null;
    if (epoch < entry.epoch) return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, message: `Marker epoch ${epoch} of producer ${producerId} is older than its current epoch ${entry.epoch}` };
    if (coordinatorEpoch < entry.coordinatorEpoch) return { errorCode: ErrorCode.TRANSACTION_COORDINATOR_FENCED, message: `Coordinator epoch ${coordinatorEpoch} is older than ${entry.coordinatorEpoch} for producer ${producerId}` };
    return null;
  }

  /**
   * Records a transaction marker appended at `markerOffset`: closes the producer's open transaction
   * (an abort enters the aborted-transaction index) and moves the producer to the marker's epoch.
   */
  completeTxn(producerId: bigint, epoch: number, commit: boolean, markerOffset: number, coordinatorEpoch: number, timestamp: number): AbortedTxn | null {
    const entry = this.entryForEpoch(producerId, epoch, timestamp);
    let aborted: AbortedTxn | null = null;
    if (entry.currentTxnFirstOffset >= 0 && !commit) {
      aborted = { producerId, firstOffset: entry.currentTxnFirstOffset, lastOffset: markerOffset };
      this.aborted.push(aborted);
    }
    entry.currentTxnFirstOffset = -1;
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestamp = Math.max(entry.lastTimestamp, timestamp);
    this.ongoing.delete(producerId);
    return aborted;
  }

  /** Adds an aborted transaction found before the snapshot the state was restored from. */
  addAborted(txn: AbortedTxn): void {
    this.aborted.push(txn);
  }

  /** First offset of the earliest open transaction, or null when none is open. */
  firstUnstableOffset(): number | null {
    let min: number | null = null;
    for (const o of this.ongoing.values()) if (min === null || o < min) min = o;
    return min;
  }

  /** The open transactions: producer id -> first offset. */
  ongoingTransactions(): ReadonlyMap<bigint, number> {
    return this.ongoing;
  }

  /**
   * Aborted transactions overlapping [fetchOffset, upperBoundOffset): Kafka's
   * collectAbortedTransactions for a read_committed Fetch.
   */
  abortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    // `aborted` is sorted by lastOffset: skip those ending before the fetch.
    let lo = 0;
    let hi = this.aborted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.aborted[mid] as AbortedTxn).lastOffset < fetchOffset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.aborted.length; i++) {
      const a = this.aborted[i] as AbortedTxn;
      if (a.firstOffset < upperBoundOffset) out.push(a);
    }
    return out;
  }

  /** Restores one producer from a snapshot entry (Kafka keeps only the last batch there). */
  restore(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset >= 0) this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
  }

  /** Forgets producers idle longer than producer.id.expiration.ms; returns how many. */
  expire(nowMs: number, expirationMs: number): number {
    let n = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= expirationMs) {
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
      if (e.currentTxnFirstOffset < 0 && last !== undefined && last.lastOffset < logStartOffset) this.producers.delete(id);
    }
    let drop = 0;
    while (drop < this.aborted.length && (this.aborted[drop] as AbortedTxn).lastOffset < logStartOffset) drop++;
    if (drop > 0) this.aborted.splice(0, drop);
  }
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}
