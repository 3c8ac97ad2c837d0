/**
 * The types of partition.ts's API (what an append and a read answer, a leader change), apart so
 * the class file holds behaviour only; partition.ts re-exports them.
 */
import type { AbortedTxn } from './producer-state.js';

/** The leader and ISR a new leader epoch brings (Kafka's PartitionRecord / PartitionChangeRecord). */
export interface LeaderChange {
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export type AppendOutcome =
  | { kind: 'appended'; baseOffset: number; lastOffset: number; logAppendTimeMs: number }
  /** A retry of a batch already in the log: answered with its original offsets, nothing written. */
  | { kind: 'duplicate'; baseOffset: number; lastOffset: number; logAppendTimeMs: number }
  | { kind: 'rejected'; errorCode: number; message: string; recordErrors?: readonly RecordError[] };

/** One refused record of a batch (Produce v8+ record_errors): its index and why. */
export interface RecordError {
  readonly batchIndex: number;
  readonly message: string;
}

/** A look at a batch that must come before its append and may take time (decompressing it). */
export type AppendPrecheck = () => Promise<Extract<AppendOutcome, { kind: 'rejected' }> | null>;

/**
 * How far a read may go, Kafka's FetchIsolation: a consumer reads below the HW
 * (read_uncommitted) or the LSO (read_committed); a follower replica (and a coordinator loading its
 * own partition) reads to the LEO.
 */
export type FetchIsolation = 'highWatermark' | 'txnCommitted' | 'logEnd';

/** What a read returns: the batches, and the offsets a Fetch response reports beside them. */
export type PartitionRead =
  | { kind: 'ok'; records: Buffer; highWatermark: number; lastStableOffset: number; logStartOffset: number; abortedTransactions: readonly AbortedTxn[] | null }
  | { kind: 'outOfRange'; highWatermark: number; lastStableOffset: number; logStartOffset: number };
