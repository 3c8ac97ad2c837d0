/**
 * One replica of one partition hosted here, and the only door to its data: handlers and
 * coordinators read, append, look up offsets and delete records through it, never through the
 * log underneath (DESIGN.md), because only the partition knows where the high watermark is.
 *
 * Today every replica is its partition's only replica, so it is the leader and the high watermark
 * (HW) follows the log end offset (LEO) as soon as an append's bytes are written (Kafka's
 * maybeIncrementLeaderHW with an ISR of one); it is still kept apart from the LEO, and reads are
 * bounded by it, so replication can hold it back without any reader changing.
 *
 * Invariants: HW <= LEO and never goes backwards; an acks=all append resolves only after an fsync
 * covering it when durability is on (DESIGN.md: group commit, one fsync covers every batch that
 * arrived meanwhile); an idempotent producer's batch is checked against the producer state and
 * recorded there synchronously, at the moment its offsets are assigned, so a retry arriving while
 * the first copy is still being written is already recognised. Transaction markers are recorded
 * the same way, so the last stable offset (LSO = min(HW, first offset of the earliest open
 * transaction)) and the aborted-transaction index always describe the log up to the offsets
 * assigned. A client batch that must be looked at before it is appended (a compacted topic's keys,
 * which may mean decompressing it) keeps its place: appends get offsets in the order they were
 * asked for. Readers parked on the partition (fetches, see delayed-fetch.ts) are woken when the HW
 * moves, not on every write: data above the HW is not theirs to see.
 */
import type { PartitionLog } from '../storage/partition-log.js';
import type { FileSystem } from '../io/file-system.js';
import { appendAbortedTxn } from '../storage/transaction-index.js';
import { ProducerStateManager, type AbortedTxn, type IdempotentBatch } from './producer-state.js';
import { buildEndTxnMarkerBatch } from '../protocol/records/control-record.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { LogConfig } from '../storage/log-config.js';
import { batchesBelow } from './bounded-read.js';
import { firstOffsetAtOrAfter, maxTimestampOffset, type OffsetAndTimestamp } from './offset-lookup.js';
import { saveProducerState } from './producer-state-loader.js';

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

export class Partition {
  private readonly hwListeners = new Set<() => void>();
  private hw: number;
  /** Settles when the last prechecked client append has its offsets; null when none is waiting. */
  private checkedAppends: Promise<void> | null = null;

  constructor(
    readonly topic: string,
    readonly partitionId: number,
    readonly topicId: string,
    private readonly log: PartitionLog,
    public leaderEpoch: number,
    private readonly fsyncOnAcksAll: boolean,
    /** The topic's max.message.bytes: the largest batch a producer may append. */
    public maxMessageBytes: number,
    /** Idempotent producers' sequence state, rebuilt from snapshot + log when the replica loads. */
    readonly producers: ProducerStateManager = new ProducerStateManager(),
    /** Where aborted transactions are recorded (Kafka's .txnindex files); null keeps them in memory only (tests). */
    private readonly txnIndexFs: FileSystem | null = null,
  ) {
    // A replica that is its partition's only one has every record it holds committed (Kafka's HW
    // checkpoint would be clamped to the LEO on load anyway).
    this.hw = log.logEndOffset;
  }

  /** cleanup.policy includes compact: every record a client appends must have a key. */
  get requiresKeys(): boolean {
    return this.log.logConfig.cleanupCompact;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Bytes of the replica's log on disk (metrics: kafka_log_log_size). */
  get sizeInBytes(): number {
    return this.log.sizeInBytes;
  }

  /** Where this replica's files live (describe and error messages). */
  get dir(): string {
    return this.log.dir;
  }

  /** min(HW, first offset of the earliest open transaction): read_committed reads below it. */
  get lastStableOffset(): number {
    const hw = this.highWatermark;
    const unstable = this.producers.firstUnstableOffset();
    return unstable === null ? hw : Math.min(hw, unstable);
  }

  /** Aborted transactions a read_committed fetch of [fetchOffset, upperBoundOffset) must be told. */
  abortedTransactions(fetchOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return this.producers.abortedTransactions(fetchOffset, upperBoundOffset);
  }

  /**
   * Writes a transaction marker (COMMIT or ABORT control batch) for `producerId`, as the transaction
   * coordinator's WriteTxnMarkers does; resolves once it is durable (acks=all). Refused with
   * INVALID_PRODUCER_EPOCH / TRANSACTION_COORDINATOR_FENCED for a stale marker.
   */
  async appendTxnMarker(producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number, timestampMs: number): Promise<{ errorCode: number; message: string | null; offset: number }> {
    const batch = await buildEndTxnMarkerBatch({ producerId, producerEpoch, commit, coordinatorEpoch, timestamp: timestampMs });
    // From here to the log append nothing awaits: the state sees the marker at its offset.
    const problem = this.producers.checkMarker(producerId, producerEpoch, coordinatorEpoch);
    if (problem !== null) return { errorCode: problem.errorCode, message: problem.message, offset: -1 };
    const offset = this.log.nextOffsetToAssign;
    const written = this.log.append(batch, this.leaderEpoch);
    const aborted = this.producers.completeTxn(producerId, producerEpoch, commit, offset, coordinatorEpoch, timestampMs);
    await written;
    this.advanceHighWatermark();
    if (this.fsyncOnAcksAll) await this.log.flush();
    // After the marker is durable (see storage/transaction-index.ts for why that order).
    if (aborted !== null && this.txnIndexFs !== null) {
      await appendAbortedTxn(this.txnIndexFs, this.log.dir, this.log.activeSegmentBaseOffset, { ...aborted, lastStableOffset: this.lastStableOffset });
    }
    return { errorCode: ErrorCode.NONE, message: null, offset };
  }

  /**
   * Appends one validated client batch. `producer` describes it when it comes from an idempotent
   * producer (producerId >= 0). Offsets are assigned before this returns its promise, so calls
   * made in request order get offsets in that order.
   */
  appendFromClient(batch: Buffer, acks: number, producer: IdempotentBatch | null, maxTimestamp: number, precheck?: AppendPrecheck): Promise<AppendOutcome> {
    if (precheck === undefined && this.checkedAppends === null) return this.appendNow(batch, acks, producer, maxTimestamp);
    // A batch to look at first (a compacted topic's keys) keeps its place in line: it, and every
    // append after it, gets offsets only once the appends before it have theirs.
    const before = this.checkedAppends ?? Promise.resolve();
    let placed!: () => void;
    const mine = new Promise<void>((r) => (placed = r));
    this.checkedAppends = mine;
    const done = (): void => {
      placed();
      if (this.checkedAppends === mine) this.checkedAppends = null;
    };
    return before.then(async () => {
      let refused: Extract<AppendOutcome, { kind: 'rejected' }> | null;
      try {
        refused = precheck === undefined ? null : await precheck();
      } catch (e) {
        done();
        throw e;
      }
      const outcome = refused ?? this.appendNow(batch, acks, producer, maxTimestamp);
      done(); // offsets are assigned (or the batch refused): the next append may go
      return outcome;
    });
  }

  private async appendNow(batch: Buffer, acks: number, producer: IdempotentBatch | null, maxTimestamp: number): Promise<AppendOutcome> {
    if (producer !== null) {
      const check = this.producers.check(producer);
      if (check.kind === 'error') return { kind: 'rejected', errorCode: check.errorCode, message: check.message };
      if (check.kind === 'duplicate') return { kind: 'duplicate', baseOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTimeMs: -1 };
    }
    const firstOffset = this.log.nextOffsetToAssign;
    const written = this.log.append(batch, this.leaderEpoch);
    if (producer !== null) this.producers.record(producer, firstOffset, this.log.nextOffsetToAssign - 1, maxTimestamp);
    const result = await written;
    this.advanceHighWatermark();
    if (acks === -1 && this.fsyncOnAcksAll) await this.log.flush();
    return { kind: 'appended', baseOffset: result.firstOffset, lastOffset: result.lastOffset, logAppendTimeMs: result.logAppendTimeMs ?? -1 };
  }

  /**
   * Appends batches the broker itself wrote (coordinator records: Kafka's AppendOrigin.Coordinator),
   * which skip the client checks. acks=-1 waits for the fsync as a client's would.
   */
  async append(batches: Buffer, acks: number): Promise<{ baseOffset: number; lastOffset: number; logAppendTimeMs: number }> {
    const result = await this.log.append(batches, this.leaderEpoch);
    this.advanceHighWatermark();
    if (acks === -1 && this.fsyncOnAcksAll) await this.log.flush();
    return { baseOffset: result.firstOffset, lastOffset: result.lastOffset, logAppendTimeMs: result.logAppendTimeMs ?? -1 };
  }

  /**
   * Reads whole batches from `fetchOffset`, at most `maxBytes` (at least one batch when
   * `minOneMessage`, KIP-74), bounded as `isolation` says. A read_committed read is told the
   * aborted transactions overlapping what it got. Out of range below the log start offset or
   * past the LEO; a fetch offset between the bound and the LEO reads nothing yet.
   */
  async read(fetchOffset: number, maxBytes: number, minOneMessage: boolean, isolation: FetchIsolation): Promise<PartitionRead> {
    // Taken before reading: data appended meanwhile (an open transaction's) must not slip in.
    const highWatermark = this.hw;
    const lastStableOffset = this.lastStableOffset;
    const logStartOffset = this.log.logStartOffset;
    const bound = isolation === 'highWatermark' ? highWatermark : isolation === 'txnCommitted' ? lastStableOffset : Number.MAX_SAFE_INTEGER;
    const offsets = { highWatermark, lastStableOffset, logStartOffset };
    const read = await this.log.read(fetchOffset, maxBytes, minOneMessage);
    if (read.kind === 'outOfRange') return { kind: 'outOfRange', ...offsets };
    if (isolation !== 'txnCommitted') {
      // Nothing at or past the bound was written when the read ended: no batch header to walk.
      const records = this.log.logEndOffset <= bound ? read.records : batchesBelow(read.records, bound).records;
      return { kind: 'ok', records, ...offsets, abortedTransactions: null };
    }
    const visible = batchesBelow(read.records, bound);
    const aborted = visible.end > fetchOffset ? this.producers.abortedTransactions(fetchOffset, visible.end) : [];
    return { kind: 'ok', records: visible.records, ...offsets, abortedTransactions: aborted };
  }

  /** The offset a "latest" ListOffsets answers: the HW, or the LSO for read_committed. */
  lastFetchableOffset(readCommitted: boolean): number {
    return readCommitted ? this.lastStableOffset : this.hw;
  }

  /** The first record with a timestamp at or after `timestampMs` (ListOffsets), -1 if none. */
  offsetForTimestamp(timestampMs: number, readCommitted: boolean): Promise<OffsetAndTimestamp> {
    return firstOffsetAtOrAfter(this.log, timestampMs, this.lastFetchableOffset(readCommitted));
  }

  /** The first record carrying the largest timestamp (ListOffsets MAX_TIMESTAMP), -1 if none. */
  maxTimestampOffset(readCommitted: boolean): Promise<OffsetAndTimestamp> {
    return maxTimestampOffset(this.log, this.lastFetchableOffset(readCommitted));
  }

  /** Applies a changed topic config to the log (throws when the log refuses it). */
  updateLogConfig(config: LogConfig): void {
    this.log.updateConfig(config);
  }

  /** Writes the producer-state snapshot as of the LEO (before a clean shutdown closes the log). */
  saveProducerSnapshot(fs: FileSystem): Promise<void> {
    return saveProducerState(fs, this.log, this.producers);
  }

  /** Closes the log underneath (tests that own their partition). */
  close(): Promise<void> {
    return this.log.close();
  }

  /** Calls `fn` after each move of the high watermark; returns the unsubscribe function. */
  onHighWatermark(fn: () => void): () => void {
    this.hwListeners.add(fn);
    return () => this.hwListeners.delete(fn);
  }

  /**
   * The leader's HW with an ISR of one: everything written is committed. Monotone because the log
   * end offset only grows while the log is open (truncation comes with replication, and will
   * reset the HW explicitly).
   */
  private advanceHighWatermark(): void {
    const leo = this.log.logEndOffset;
    if (leo <= this.hw) return;
    this.hw = leo;
    for (const fn of [...this.hwListeners]) fn();
  }
}
