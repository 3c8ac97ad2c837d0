/**
 * The transaction coordinator (Kafka's TransactionCoordinator + TransactionStateManager +
 * TransactionMarkerChannelManager, pre-KIP-890 "transaction version 1" semantics): it owns the
 * `__transaction_state` partitions this node leads, one CoordinatorShard each, and serves
 * InitProducerId with a transactional id, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn,
 * DescribeTransactions and ListTransactions on them.
 *
 * States (Kafka's): Empty → Ongoing (first AddPartitions/AddOffsets) → PrepareCommit|PrepareAbort
 * (EndTxn) → markers written to every partition of the transaction → CompleteCommit|CompleteAbort.
 * Each transition is a TransactionLogValue record written before it counts (replay is the only
 * thing that changes the state).
 *
 * Serialisation: every operation on one transactional id runs after the previous one has finished
 * (a per-id queue), so the in-flight "pending state" Kafka tracks is never observable: an
 * AddPartitions arriving while EndTxn writes markers waits for it instead of getting
 * CONCURRENT_TRANSACTIONS. EndTxn answers once the markers are written and CompleteX is durable,
 * so a committed transaction is readable by read_committed consumers when the producer hears of it.
 *
 * Fencing: InitProducerId for an id bumps its epoch (or, when the epoch is exhausted, gives a new
 * producer id); an Ongoing transaction is first aborted with the epoch bumped, so the old producer's
 * later requests get PRODUCER_FENCED here and INVALID_PRODUCER_EPOCH from the partitions (whose
 * producer state saw the abort marker's newer epoch). A transaction running longer than its
 * timeout is aborted the same way (transaction.abort.timed.out.transaction.cleanup.interval.ms).
 * An id idle in Empty/CompleteX longer than transactional.id.expiration.ms is removed (tombstone).
 *
 * Recovery: after a shard loads, transactions in PrepareCommit/PrepareAbort get their markers
 * (again: writing a marker twice is harmless) and are completed; Ongoing ones time out as usual.
 *
 * Leadership (a cluster): a partition is served from `hostPartition` (this node leads it; the
 * coordinator epoch is the partition's leader epoch) to `resignPartition` (Kafka's
 * unloadTransactionMarkers / removeTransactionsForTxnTopicPartition): its transactions are dropped,
 * operations in flight on it (a write, markers being retried) end with NOT_COORDINATOR, later
 * requests get NOT_COORDINATOR. The new leader loads the partition and completes what was left in
 * PrepareCommit/PrepareAbort. Hosting again at a newer epoch loads afresh; an older one is ignored.
 *
 * Errors returned (handlers map PRODUCER_FENCED to INVALID_PRODUCER_EPOCH for old versions):
 * NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, INVALID_REQUEST,
 * INVALID_TRANSACTION_TIMEOUT, INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED, INVALID_TXN_STATE,
 * CONCURRENT_TRANSACTIONS, UNKNOWN_TOPIC_OR_PARTITION / OPERATION_NOT_ATTEMPTED (AddPartitions).
 */
import type { Clock, Timer } from '../../io/clock.js';
import type { Logger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { coordinatorErrorCode, CoordinatorShard, NotCoordinatorError, type CoordinatorLog } from '../runtime.js';
import { TxnState, TXN_STATE_NAMES, transactionPartitionFor, txnRecord, type TxnRecordValue, type TxnStateId } from './records.js';
import { TxnShardState, type TxnMetadata } from './txn-shard.js';

/** Kafka's Short.MaxValue - 1: an epoch this high cannot be bumped; a new producer id is given. */
const MAX_EPOCH = 32766;
const NO_PRODUCER_EPOCH = -1;
const MARKER_RETRY_BACKOFF_MS = 200;

export interface TxnConfig {
  /** transaction.state.log.num.partitions */
  readonly numPartitions: number;
  /** transaction.max.timeout.ms */
  readonly maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  readonly abortTimedOutIntervalMs: number;
  /** transactional.id.expiration.ms */
  readonly idExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  readonly removeExpiredIntervalMs: number;
}

/** Writes one transaction marker to one partition; resolves with an error code (never rejects). */
export type MarkerWriter = (topic: string, partition: number, producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number) => Promise<number>;

export interface TxnCoordinatorDeps {
  readonly config: TxnConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly nodeId: number;
  /** The broker leading a partition of the internal topic now (-1: none); absent, this node leads them all. */
  readonly leaderOf?: (partitionId: number) => number;
  /** Whether __transaction_state exists in the metadata image. */
  topicExists(): boolean;
  /** Creates __transaction_state; resolves once its partitions are hosted. */
  createTopic(): Promise<void>;
  generateProducerId(): Promise<bigint>;
  writeMarker: MarkerWriter;
  partitionExists(topic: string, partition: number): boolean;
}

export interface ProducerIdAndEpoch {
  producerId: bigint;
  producerEpoch: number;
}

export interface InitResult extends ProducerIdAndEpoch {
  errorCode: number;
}

export interface DescribedTxn {
  errorCode: number;
  transactionalId: string;
  state: string;
  timeoutMs: number;
  startTimeMs: number;
  producerId: bigint;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

interface Hosted {
  readonly partitionId: number;
  shard: CoordinatorShard<TxnShardState>;
  coordinatorEpoch: number;
}

type Located = { errorCode: number; hosted?: undefined } | { errorCode: typeof ErrorCode.NONE; hosted: Hosted };

export class TxnCoordinator {
  private readonly shards = new Map<number, Hosted>();
  /** Per transactional id: the tail of its operation queue. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private creating: Promise<void> | null = null;
  private abortTimer: Timer | null = null;
  private expireTimer: Timer | null = null;
  private closed = false;

  constructor(private readonly deps: TxnCoordinatorDeps) {
    this.scheduleAbortTimedOut();
    this.scheduleExpiry();
  }

  private get config(): TxnConfig {
    return this.deps.config;
  }

  private now(): number {
    return this.deps.clock.nowMs();
  }

  partitionFor(transactionalId: string): number {
    return transactionPartitionFor(transactionalId, this.config.numPartitions);
  }

  /**
   * This node leads `__transaction_state` partition `partitionId` at leader epoch
   * `coordinatorEpoch`: load it, then finish what a crash or the previous leader left. Already
   * hosted at this epoch or a newer one: nothing to do; at an older one (or a failed load): loaded
   * afresh.
   */
  hostPartition(partitionId: number, log: CoordinatorLog, coordinatorEpoch: number): void {
    if (this.closed) return;
    const current = this.shards.get(partitionId);
    if (current !== undefined) {
      if (current.shard.status !== 'failed' && coordinatorEpoch <= current.coordinatorEpoch) return;
      this.unload(current);
    }
    const shard = new CoordinatorShard(partitionId, new TxnShardState(), log, this.deps.clock, this.deps.logger, `transaction coordinator __transaction_state-${partitionId}`);
    const hosted: Hosted = { partitionId, shard, coordinatorEpoch };
    this.shards.set(partitionId, hosted);
    void shard.whenLoaded().then(() => {
      if (!this.isCurrent(hosted)) return;
      for (const m of shard.state.txns.values()) {
        if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) {
          const id = m.transactionalId;
          void this.serially(id, () => this.completeIfPrepared(id)).catch((e: unknown) => this.deps.logger.error(`transaction ${id}: completing after load failed: ${String(e)}`));
        }
      }
    });
  }

  /**
   * This node no longer leads `__transaction_state` partition `partitionId`: its transactions are
   * dropped. `coordinatorEpoch`, when known, is the epoch that ended: an older one than the hosting
   * in force is ignored.
   */
  resignPartition(partitionId: number, coordinatorEpoch?: number): void {
    const hosted = this.shards.get(partitionId);
    if (hosted === undefined) return;
    if (coordinatorEpoch !== undefined && coordinatorEpoch < hosted.coordinatorEpoch) return;
    this.unload(hosted);
  }

  /** The partitions hosted here (those this node leads, loading or loaded). */
  hostedPartitions(): number[] {
    return [...this.shards.keys()].sort((a, b) => a - b);
  }

  private unload(hosted: Hosted): void {
    if (this.shards.get(hosted.partitionId) === hosted) this.shards.delete(hosted.partitionId);
    hosted.shard.close();
    hosted.shard.state.txns.clear();
    this.deps.logger.info(`transaction coordinator: resigned __transaction_state-${hosted.partitionId} (coordinator epoch ${hosted.coordinatorEpoch})`);
  }

  /** Whether `h` is still the loaded shard of its partition (not resigned, not replaced). */
  private isCurrent(h: Hosted): boolean {
    return this.shards.get(h.partitionId) === h && h.shard.status === 'active';
  }

  /** Fails unless `h` is still this node's: an operation queued behind a resignation must not run on dropped state. */
  private ensureCurrent(h: Hosted): void {
    if (!this.isCurrent(h)) throw new NotCoordinatorError(`__transaction_state-${h.partitionId} is no longer hosted here`);
  }

  async whenLoaded(): Promise<void> {
    await Promise.all([...this.shards.values()].map((h) => h.shard.whenLoaded()));
  }

  close(): void {
    this.closed = true;
    this.abortTimer?.cancel();
    this.expireTimer?.cancel();
    for (const h of this.shards.values()) h.shard.close();
    this.shards.clear();
  }

  private locate(transactionalId: string): Located {
    const hosted = this.shards.get(this.partitionFor(transactionalId));
    if (hosted === undefined) return { errorCode: ErrorCode.NOT_COORDINATOR };
    if (hosted.shard.status === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS };
    if (hosted.shard.status !== 'active') return { errorCode: ErrorCode.NOT_COORDINATOR };
    return { errorCode: ErrorCode.NONE, hosted };
  }

  /** FindCoordinator for a transactional id; creates __transaction_state on first use, as Kafka does. */
  async findCoordinator(transactionalId: string): Promise<{ errorCode: number; nodeId: number }> {
    if (!this.deps.topicExists()) {
      try {
        await (this.creating ??= this.deps.createTopic().finally(() => (this.creating = null)));
      } catch (e) {
        this.deps.logger.warn(`creating __transaction_state failed: ${e instanceof Error ? e.message : String(e)}`);
        return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 };
      }
    }
    // In a cluster the coordinator is whichever broker leads the key's partition now.
    const leader = this.deps.leaderOf?.(this.partitionFor(transactionalId)) ?? this.deps.nodeId;
    if (leader !== this.deps.nodeId) return leader < 0 ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 } : { errorCode: ErrorCode.NONE, nodeId: leader };
    const hosted = this.shards.get(this.partitionFor(transactionalId));
    if (hosted === undefined || hosted.shard.status === 'failed' || hosted.shard.status === 'closed') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 };
    return { errorCode: ErrorCode.NONE, nodeId: this.deps.nodeId };
  }

  /** Runs `fn` after every earlier operation on `transactionalId` has finished. */
  private serially<T>(transactionalId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(transactionalId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.queues.set(transactionalId, tail);
    void tail.then(() => {
      if (this.queues.get(transactionalId) === tail) this.queues.delete(transactionalId);
    });
    return run;
  }

  private write(h: Hosted, m: TxnMetadata | { transactionalId: string }, v: TxnRecordValue): Promise<void> {
    return h.shard.write([txnRecord(m.transactionalId, v)]);
  }

  private current(h: Hosted, transactionalId: string): TxnMetadata | undefined {
    return h.shard.state.txns.get(transactionalId);
  }

  // ---------------------------------------------------------------------------------------------
  // InitProducerId

  /**
   * InitProducerId with a transactional id. `expected` is the producer id/epoch the request carries
   * (v3+, KIP-360), null when it carries none (-1/-1).
   */
  async initProducerId(transactionalId: string, timeoutMs: number, expected: ProducerIdAndEpoch | null): Promise<InitResult> {
    const fail = (errorCode: number): InitResult => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > this.config.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    const at = this.locate(transactionalId);
    if (at.hosted === undefined) return fail(at.errorCode);
    const h = at.hosted;
    return this.serially(transactionalId, async () => {
      try {
        this.ensureCurrent(h);
        let m = this.current(h, transactionalId);
        const now = this.now();
        if (m === undefined) {
          const producerId = await this.deps.generateProducerId();
          await this.write(h, { transactionalId }, emptyValue(producerId, 0, timeoutMs, now));
          return { errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
        }
        if (expected !== null && !isValidProducerId(m, expected)) return fail(ErrorCode.PRODUCER_FENCED);
        if (m.state === TxnState.Ongoing) {
          // A new instance of the producer: fence the old one and abort what it left open.
          await this.fenceAndAbort(h, m);
          m = this.current(h, transactionalId);
        } else if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) {
          await this.completeIfPrepared(transactionalId);
          m = this.current(h, transactionalId);
        }
        if (m === undefined) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
        if (m.state !== TxnState.Empty && m.state !== TxnState.CompleteCommit && m.state !== TxnState.CompleteAbort) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
        let next: ProducerIdAndEpoch;
        if (m.producerEpoch >= MAX_EPOCH && (expected === null || expected.producerEpoch === m.producerEpoch)) {
          next = { producerId: await this.deps.generateProducerId(), producerEpoch: 0 };
        } else if (expected === null || m.producerEpoch === NO_PRODUCER_EPOCH || expected.producerEpoch === m.producerEpoch) {
          next = { producerId: m.producerId, producerEpoch: m.producerEpoch + 1 };
        } else if (expected.producerEpoch === m.lastProducerEpoch) {
          // A retry of a bump whose answer was lost: the same epoch again.
          return { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch };
        } else {
          return fail(ErrorCode.PRODUCER_FENCED);
        }
        await this.write(h, m, emptyValue(next.producerId, next.producerEpoch, timeoutMs, now));
        return { errorCode: ErrorCode.NONE, ...next };
      } catch (e) {
        return fail(this.failed(`InitProducerId for ${transactionalId}`, e));
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // AddPartitionsToTxn / AddOffsetsToTxn

  /**
   * Adds partitions to the producer's transaction (starting it). Answers one error for the whole
   * request (every partition gets it), or per-partition errors for unknown partitions.
   */
  async addPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly { topic: string; partitions: readonly number[] }[]): Promise<{ errorCode: number; perPartition?: Map<string, number> }> {
    if (transactionalId === '') return { errorCode: ErrorCode.INVALID_REQUEST };
    const unknown = new Map<string, number>();
    for (const t of partitions) for (const p of t.partitions) if (!this.deps.partitionExists(t.topic, p)) unknown.set(`${t.topic}\0${p}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (unknown.size > 0) {
      for (const t of partitions) for (const p of t.partitions) if (!unknown.has(`${t.topic}\0${p}`)) unknown.set(`${t.topic}\0${p}`, ErrorCode.OPERATION_NOT_ATTEMPTED);
      return { errorCode: ErrorCode.NONE, perPartition: unknown };
    }
    const at = this.locate(transactionalId);
    if (at.hosted === undefined) return { errorCode: at.errorCode };
    const h = at.hosted;
    return this.serially(transactionalId, async () => {
      if (!this.isCurrent(h)) return { errorCode: ErrorCode.NOT_COORDINATOR };
      const m = this.current(h, transactionalId);
      const invalid = checkProducer(m, producerId, producerEpoch);
      if (invalid !== ErrorCode.NONE || m === undefined) return { errorCode: invalid };
      if (m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
      if (m.state === TxnState.Dead || m.state === TxnState.PrepareEpochFence) return { errorCode: ErrorCode.INVALID_TXN_STATE };
      const merged = new Map<string, number[]>();
      for (const [topic, ps] of m.state === TxnState.Ongoing ? m.partitions : new Map<string, readonly number[]>()) merged.set(topic, [...ps]);
      let added = false;
      for (const t of partitions) {
        const list = merged.get(t.topic) ?? [];
        for (const p of t.partitions) {
          if (!list.includes(p)) {
            list.push(p);
            added = true;
          }
        }
        merged.set(t.topic, list);
      }
      if (m.state === TxnState.Ongoing && !added) return { errorCode: ErrorCode.NONE };
      const now = this.now();
      const start = m.state === TxnState.Ongoing ? m.txnStartTimestampMs : now;
      try {
        await this.write(h, m, { ...valueOf(m), state: TxnState.Ongoing, partitions: merged, txnStartTimestampMs: start, txnLastUpdateTimestampMs: now });
      } catch (e) {
        return { errorCode: this.failed(`transaction ${m.transactionalId}: writing its partitions`, e) };
      }
      return { errorCode: ErrorCode.NONE };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // EndTxn

  async endTxn(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): Promise<number> {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const at = this.locate(transactionalId);
    if (at.hosted === undefined) return at.errorCode;
    const h = at.hosted;
    return this.serially(transactionalId, async () => {
      if (!this.isCurrent(h)) return ErrorCode.NOT_COORDINATOR;
      const m = this.current(h, transactionalId);
      const invalid = checkProducer(m, producerId, producerEpoch);
      if (invalid !== ErrorCode.NONE || m === undefined) return invalid;
      switch (m.state) {
        case TxnState.Ongoing:
          break;
        case TxnState.CompleteCommit:
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
        case TxnState.CompleteAbort:
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
        case TxnState.PrepareCommit:
          return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
        case TxnState.PrepareAbort:
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
        default:
          return ErrorCode.INVALID_TXN_STATE;
      }
      try {
        await this.prepareAndComplete(h, m, m.producerEpoch, commit);
      } catch (e) {
        return this.failed(`EndTxn for ${transactionalId}`, e);
      }
      return ErrorCode.NONE;
    });
  }

  /** An operation's write failed: the client's error (coordinatorErrorCode), logged unless it is a resignation. */
  private failed(what: string, e: unknown): number {
    const code = coordinatorErrorCode(e);
    if (code !== ErrorCode.NOT_COORDINATOR) this.deps.logger.warn(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    return code;
  }

  /** Writes PrepareX, the markers, then CompleteX. */
  private async prepareAndComplete(h: Hosted, m: TxnMetadata, epoch: number, commit: boolean): Promise<void> {
    const now = this.now();
    await this.write(h, m, { ...valueOf(m), producerEpoch: epoch, state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, txnLastUpdateTimestampMs: now });
    await this.completeIfPrepared(m.transactionalId);
  }

  /** For a transaction in PrepareCommit/PrepareAbort: writes its markers, then CompleteX. */
  private async completeIfPrepared(transactionalId: string): Promise<void> {
    const h = this.shards.get(this.partitionFor(transactionalId));
    const m = h === undefined ? undefined : this.current(h, transactionalId);
    if (h === undefined || m === undefined) return;
    this.ensureCurrent(h);
    if (m.state !== TxnState.PrepareCommit && m.state !== TxnState.PrepareAbort) return;
    const commit = m.state === TxnState.PrepareCommit;
    const targets: { topic: string; partition: number }[] = [];
    for (const [topic, ps] of m.partitions) for (const partition of ps) targets.push({ topic, partition });
    await Promise.all(targets.map((t) => this.writeMarkerUntilDone(h, t.topic, t.partition, m, commit)));
    this.ensureCurrent(h);
    await this.write(h, m, { ...valueOf(m), state: commit ? TxnState.CompleteCommit : TxnState.CompleteAbort, partitions: new Map(), txnLastUpdateTimestampMs: this.now() });
  }

  /**
   * Kafka's marker channel retries until the leader takes the marker (the writer looks the leader up
   * again on each attempt), after a backoff; a partition that is gone is skipped. It stops, with
   * NotCoordinatorError, as soon as the shard is resigned: the next coordinator finishes the job.
   */
  private async writeMarkerUntilDone(h: Hosted, topic: string, partition: number, m: TxnMetadata, commit: boolean): Promise<void> {
    const resigned = h.shard.whenClosed().then(() => 'resigned' as const);
    for (let attempt = 0; ; attempt++) {
      this.ensureCurrent(h);
      const code = await Promise.race([this.deps.writeMarker(topic, partition, m.producerId, m.producerEpoch, commit, h.coordinatorEpoch), resigned]);
      this.ensureCurrent(h);
      if (code === ErrorCode.NONE) return;
      if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.INVALID_PRODUCER_EPOCH || code === ErrorCode.TRANSACTION_COORDINATOR_FENCED || (code === ErrorCode.NOT_LEADER_OR_FOLLOWER && !this.deps.partitionExists(topic, partition))) {
        this.deps.logger.warn(`transaction ${m.transactionalId}: marker for ${topic}-${partition} not written (error ${code}); skipped`);
        return;
      }
      if (attempt % 25 === 0) this.deps.logger.warn(`transaction ${m.transactionalId}: marker for ${topic}-${partition} failed with error ${code}; retrying`);
      let timer: Timer | null = null;
      await Promise.race([new Promise<void>((resolve) => (timer = this.deps.clock.setTimer(MARKER_RETRY_BACKOFF_MS, resolve))), resigned]);
      (timer as Timer | null)?.cancel();
    }
  }

  /** Bumps the epoch (fencing the producer that holds it) and aborts the open transaction. */
  private async fenceAndAbort(h: Hosted, m: TxnMetadata): Promise<void> {
    const epoch = m.producerEpoch >= MAX_EPOCH ? m.producerEpoch : m.producerEpoch + 1;
    await this.prepareAndComplete(h, m, epoch, false);
  }

  // ---------------------------------------------------------------------------------------------
  // Timers: timed-out transactions, expired transactional ids

  private scheduleAbortTimedOut(): void {
    if (this.closed) return;
    this.abortTimer = this.deps.clock.setTimer(this.config.abortTimedOutIntervalMs, () => {
      this.abortTimedOut().finally(() => this.scheduleAbortTimedOut());
    });
  }

  /** Aborts every Ongoing transaction older than its timeout (Kafka fences the producer's epoch too). */
  async abortTimedOut(): Promise<number> {
    const now = this.now();
    const due: string[] = [];
    for (const h of this.shards.values()) {
      if (h.shard.status !== 'active') continue;
      for (const m of h.shard.state.txns.values()) if (m.state === TxnState.Ongoing && m.txnStartTimestampMs + m.txnTimeoutMs < now) due.push(m.transactionalId);
    }
    await Promise.all(due.map((id) => this.serially(id, async () => {
      const h = this.shards.get(this.partitionFor(id));
      const m = h === undefined ? undefined : this.current(h, id);
      if (h === undefined || m === undefined || m.state !== TxnState.Ongoing || m.txnStartTimestampMs + m.txnTimeoutMs >= this.now()) return;
      this.deps.logger.info(`transaction ${id} (producer ${m.producerId}, epoch ${m.producerEpoch}) timed out after ${m.txnTimeoutMs} ms: aborting it`);
      await this.fenceAndAbort(h, m);
    }).catch((e: unknown) => this.deps.logger.warn(`aborting timed-out transaction ${id} failed: ${String(e)}`))));
    return due.length;
  }

  private scheduleExpiry(): void {
    if (this.closed) return;
    this.expireTimer = this.deps.clock.setTimer(this.config.removeExpiredIntervalMs, () => {
      this.expireTransactionalIds().finally(() => this.scheduleExpiry());
    });
  }

  /** Removes transactional ids idle (Empty or CompleteX) longer than transactional.id.expiration.ms. */
  async expireTransactionalIds(): Promise<number> {
    let removed = 0;
    for (const h of this.shards.values()) {
      if (h.shard.status !== 'active') continue;
      const ids = [...h.shard.state.txns.values()].filter((m) => isIdle(m.state) && this.now() - m.txnLastUpdateTimestampMs >= this.config.idExpirationMs).map((m) => m.transactionalId);
      for (const id of ids) {
        await this.serially(id, async () => {
          const m = this.current(h, id);
          if (m === undefined || !isIdle(m.state) || this.now() - m.txnLastUpdateTimestampMs < this.config.idExpirationMs) return;
          await h.shard.write([txnRecord(id, null)]);
          removed++;
        }).catch((e: unknown) => this.deps.logger.warn(`expiring transactional id ${id} failed: ${String(e)}`));
      }
    }
    return removed;
  }

  // ---------------------------------------------------------------------------------------------
  // DescribeTransactions / ListTransactions

  async describe(transactionalId: string): Promise<DescribedTxn> {
    const none = (errorCode: number): DescribedTxn => ({ errorCode, transactionalId, state: '', timeoutMs: 0, startTimeMs: -1, producerId: -1n, producerEpoch: -1, topics: [] });
    const at = this.locate(transactionalId);
    if (at.hosted === undefined) return none(at.errorCode);
    await at.hosted.shard.flushed();
    const m = this.current(at.hosted, transactionalId);
    if (m === undefined) return none(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      state: TXN_STATE_NAMES[m.state] ?? 'Unknown',
      timeoutMs: m.txnTimeoutMs,
      startTimeMs: m.txnStartTimestampMs,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      topics: [...m.partitions].map(([topic, partitions]) => ({ topic, partitions: [...partitions] })),
    };
  }

  /** ListTransactions filters: state names (empty = all), producer ids (empty = all), minimum running time (-1 = any). */
  list(stateFilters: readonly string[], producerIdFilters: readonly bigint[], durationFilterMs: number): { errorCode: number; unknownStateFilters: string[]; transactions: { transactionalId: string; producerId: bigint; state: string }[] } {
    const known = new Set(Object.values(TXN_STATE_NAMES));
    const unknownStateFilters = stateFilters.filter((s) => !known.has(s));
    const states = new Set(stateFilters);
    const pids = new Set(producerIdFilters);
    const now = this.now();
    const transactions: { transactionalId: string; producerId: bigint; state: string }[] = [];
    let errorCode: number = ErrorCode.NONE;
    for (const h of this.shards.values()) {
      if (h.shard.status === 'loading') errorCode = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      if (h.shard.status !== 'active') continue;
      for (const m of h.shard.state.txns.values()) {
        const state = TXN_STATE_NAMES[m.state] ?? 'Unknown';
        if (states.size > 0 && !states.has(state)) continue;
        if (pids.size > 0 && !pids.has(m.producerId)) continue;
        if (durationFilterMs >= 0 && (m.state !== TxnState.Ongoing || now - m.txnStartTimestampMs < durationFilterMs)) continue;
        transactions.push({ transactionalId: m.transactionalId, producerId: m.producerId, state });
      }
    }
    return { errorCode, unknownStateFilters, transactions };
  }
}

function isIdle(state: TxnStateId): boolean {
  return state === TxnState.Empty || state === TxnState.CompleteCommit || state === TxnState.CompleteAbort;
}

function valueOf(m: TxnMetadata): TxnRecordValue {
  return {
    producerId: m.producerId,
    producerEpoch: m.producerEpoch,
    txnTimeoutMs: m.txnTimeoutMs,
    state: m.state,
    partitions: m.partitions,
    txnLastUpdateTimestampMs: m.txnLastUpdateTimestampMs,
    txnStartTimestampMs: m.txnStartTimestampMs,
  };
}

function emptyValue(producerId: bigint, producerEpoch: number, txnTimeoutMs: number, now: number): TxnRecordValue {
  return { producerId, producerEpoch, txnTimeoutMs, state: TxnState.Empty, partitions: new Map(), txnLastUpdateTimestampMs: now, txnStartTimestampMs: -1 };
}

/** Kafka's TransactionCoordinator.isValidProducerId (KIP-360). */
function isValidProducerId(m: TxnMetadata, expected: ProducerIdAndEpoch): boolean {
  return m.producerEpoch === NO_PRODUCER_EPOCH || expected.producerId === m.producerId;
}

/** The checks every client request about a running transaction starts with. */
function checkProducer(m: TxnMetadata | undefined, producerId: bigint, producerEpoch: number): number {
  if (m === undefined || m.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
  if (m.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
  return ErrorCode.NONE;
}
