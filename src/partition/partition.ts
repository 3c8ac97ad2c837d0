/**
 * One replica of one partition hosted here, and the only door to its data: handlers and
 * coordinators read, append, look up offsets and delete records through it, never through the
 * log underneath (DESIGN.md), because only the partition knows where the high watermark is.
 *
 * A replica is its partition's leader or a follower of another broker's replica (Kafka's
 * Partition): as leader (leader-role.ts) it tracks its followers' fetches, the ISR and the high
 * watermark (HW: the smallest LEO among the maximal ISR, so with no followers it follows the LEO as
 * soon as an append's bytes are written), and acks=all appends wait for it; as follower it appends
 * its leader's batches as they are (follower-append.ts), takes min(leader's HW, own LEO) as its HW,
 * and truncates where its log diverges from the leader's (replication/ drives the fetching). A new
 * leader epoch arrives from metadata through becomeLeader/becomeFollower. Created, a replica leads
 * alone at its epoch (ISR of one) until told otherwise.
 *
 * Invariants: HW <= LEO and never goes backwards (except when a truncation takes the LEO below
 * it, which a clean leader change never does); only a leader appends client or coordinator data
 * (NOT_LEADER_OR_FOLLOWER otherwise); an acks=all append resolves only after an fsync
 * covering it when durability is on (DESIGN.md: group commit, one fsync covers every batch that
 * arrived meanwhile); an idempotent producer's batch is checked against the producer state and
 * recorded there synchronously, at the moment its offsets are assigned, so a retry arriving while
 * the first copy is still being written is already recognised. Transaction markers are recorded
 * the same way, so the last stable offset (LSO = min(HW, first offset of the earliest open
 * transaction)) and the aborted-transaction index always describe the log up to the offsets
 * assigned. A client batch that must be looked at before it is appended (a compacted topic's keys,
 * which may mean decompressing it) keeps its place: appends get offsets in the order they were
 * asked for. Readers parked on the partition (fetches, see delayed-fetch.ts) are woken when the HW
 * moves, not on every write: data above the HW is not theirs to see; a follower replica's parked
 * fetch is woken when the LEO moves (it reads to the LEO).
 *
 * Moving to another log dir (replica-log-dir-move.ts): writes can be paused (`pauseWrites`: a
 * write asked for meanwhile waits, in order, and runs on the log in force when it resumes), and
 * `swapLog` replaces the log underneath in one step while they are; HW, role, leader epoch and
 * producer state are the partition's and carry over unchanged.
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
import { loadProducerState, saveProducerState } from './producer-state-loader.js';
import { DEFAULT_REPLICA_LAG_TIME_MAX_MS, LeaderRole, type ReplicationSettings } from './leader-role.js';
import { appendAsFollower } from './follower-append.js';
import { systemClock } from '../io/clock.js';
import { ReplicationError } from './replication-error.js';
import { AppendOrder } from './append-order.js';

/** A replica's settings before configureReplication: it leads alone; ISR changes apply at once. */
const SOLO: ReplicationSettings = { localId: 0, clock: systemClock, replicaLagTimeMaxMs: DEFAULT_REPLICA_LAG_TIME_MAX_MS, alterIsr: (r) => Promise.resolve(r.isr) };

export type { AppendOutcome, AppendPrecheck, FetchIsolation, LeaderChange, PartitionRead, RecordError } from './partition-types.js';
import type { AppendOutcome, AppendPrecheck, FetchIsolation, LeaderChange, PartitionRead } from './partition-types.js';

export class Partition {
  private readonly hwListeners = new Set<() => void>();
  private readonly leoListeners = new Set<() => void>();
  private hw: number;
  private settings: ReplicationSettings = SOLO;
  /** The leadership in force, or the leader this replica follows. */
  private role: LeaderRole | { readonly leaderId: number };
  /** The topic's min.insync.replicas (kept current by the replica manager). */
  minInsyncReplicas = 1;
  /** Client appends keep their request order around prechecks (append-order.ts). */
  private readonly order = new AppendOrder();
  /** Set while writes are paused (a log-dir move's swap); resolves when they resume. */
  private writePause: Promise<void> | null = null;
  private readonly truncationListeners = new Set<(offset: number, full: boolean) => void>();

  constructor(
    readonly topic: string,
    readonly partitionId: number,
    readonly topicId: string,
    private log: PartitionLog,
    public leaderEpoch: number,
    private readonly fsyncOnAcksAll: boolean,
    /** The topic's max.message.bytes: the largest batch a producer may append. */
    public maxMessageBytes: number,
    /** Idempotent producers' sequence state, rebuilt from snapshot + log when the replica loads (and after a truncation). */
    public producers: ProducerStateManager = new ProducerStateManager(),
    /** Where aborted transactions are recorded (Kafka's .txnindex files); null keeps them in memory only (tests). */
    private readonly txnIndexFs: FileSystem | null = null,
  ) {
    // A replica that is its partition's only one has every record it holds committed (Kafka's HW
    // checkpoint would be clamped to the LEO on load anyway).
    this.hw = log.logEndOffset;
    this.role = new LeaderRole(this, SOLO, leaderEpoch, [SOLO.localId], [SOLO.localId], log.logEndOffset);
    // The epoch cache is left alone here: only becoming the leader starts an epoch at the LEO
    // (Kafka's makeLeader). A replica about to follow that recorded the metadata's epoch at its
    // LEO would claim that epoch for its own uncommitted tail, and its leader would never find
    // the divergence (the last fetched epoch would match).
  }

  /**
   * The HW a loading replica starts from (replication-offset-checkpoint): min(it, LEO). It is not
   * raised here: the replica's role from metadata comes next (a leader then moves it as its ISR
   * allows, a leader without followers to the LEO at once; a follower takes its leader's). Raising
   * it here, while the replica still leads alone as created, would give a restarted follower its
   * whole log as committed, uncommitted tail included.
   */
  restoreHighWatermark(offset: number): void {
    this.hw = Math.max(this.log.logStartOffset, Math.min(offset, this.log.logEndOffset));
  }

  /** Sets this broker's id, clock, replica.lag.time.max.ms and the ISR proposal path (before any role change). */
  configureReplication(settings: ReplicationSettings): void {
    this.settings = settings;
    if (this.role instanceof LeaderRole) {
      this.role.end();
      this.role = new LeaderRole(this, settings, this.leaderEpoch, [settings.localId], [settings.localId], this.log.logEndOffset);
    }
  }

  get isLeader(): boolean {
    return this.role instanceof LeaderRole;
  }

  /** The leader's broker id (this broker's when it leads). */
  get leaderId(): number {
    return this.role instanceof LeaderRole ? this.settings.localId : this.role.leaderId;
  }

  /** The leadership, when this replica leads (followers' state, the ISR). */
  get leadership(): LeaderRole | null {
    return this.role instanceof LeaderRole ? this.role : null;
  }

  /** The ISR in force as this leader knows it (empty on a follower). */
  get isr(): readonly number[] {
    return this.role instanceof LeaderRole ? this.role.isr : [];
  }

  /** The latest epoch in this replica's log (a follower's lastFetchedEpoch), -1 if none. */
  get latestLogEpoch(): number {
    return this.log.epochs.latestEpoch;
  }

  /** Kafka's endOffsetForEpoch: (largest epoch <= `epoch`, where it ends) from the epoch cache. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.log.epochs.endOffsetFor(epoch, this.log.logEndOffset);
  }

  /**
   * Kafka's makeLeader: a new epoch starts at the LEO (recorded in the epoch cache at once), the
   * followers' state starts over (ISR members count as caught up now), the HW is this replica's
   * own and moves when the ISR allows. The same epoch again only updates replicas and ISR.
   */
  async becomeLeader(change: LeaderChange): Promise<void> {
    if (this.role instanceof LeaderRole && this.role.leaderEpoch === change.leaderEpoch) {
      // A replica loaded as its epoch's leader: the epoch starts at its LEO, as a new one would.
      if (this.log.epochs.latestEpoch < change.leaderEpoch && this.log.epochs.assign(change.leaderEpoch, this.log.nextOffsetToAssign)) await this.log.epochs.persist();
      this.role.updateAssignment(change.replicas, change.isr);
      return;
    }
    if (this.role instanceof LeaderRole) this.role.end();
    this.leaderEpoch = change.leaderEpoch;
    const start = this.log.nextOffsetToAssign;
    if (this.log.epochs.assign(change.leaderEpoch, start)) await this.log.epochs.persist();
    const role = new LeaderRole(this, this.settings, change.leaderEpoch, change.replicas, change.isr, start);
    this.role = role;
    role.maybeIncrementHighWatermark();
  }

  /**
   * Kafka's makeFollower: produces waiting on this leadership hear NOT_LEADER_OR_FOLLOWER; the log
   * is not truncated here (the first fetch finds any divergence: KIP-279/KIP-320). Returns whether
   * the leader or epoch changed (the fetcher then restarts from the log end).
   */
  becomeFollower(change: { leaderEpoch: number; leaderId: number }): boolean {
    const changed = this.role instanceof LeaderRole || this.role.leaderId !== change.leaderId || this.leaderEpoch !== change.leaderEpoch;
    if (this.role instanceof LeaderRole) this.role.end();
    this.leaderEpoch = change.leaderEpoch;
    this.role = { leaderId: change.leaderId };
    return changed;
  }

  /** A follower's append of its leader's batches (offsets and epochs kept); the LEO listeners wake. */
  async appendAsFollower(records: Buffer): Promise<void> {
    if (this.writePause !== null) return this.afterPause(() => this.appendAsFollower(records));
    if (this.role instanceof LeaderRole) throw new Error(`${this.topic}-${this.partitionId} leads: it does not append as a follower`);
    await appendAsFollower(this.log, this.producers, this.txnIndexFs, records);
    this.notify(this.leoListeners);
  }

  /** A follower's HW: the leader's, bounded by its own LEO, and never back. */
  updateFollowerHighWatermark(leaderHighWatermark: number): void {
    this.raiseHighWatermark(Math.min(leaderHighWatermark, this.log.logEndOffset));
  }

  /**
   * A follower's log start follows its leader's (Kafka's maybeIncrementLogStartOffset: DeleteRecords
   * and retention reach the followers), never past its own HW (a later fetch brings the rest).
   */
  async followLogStartOffset(leaderLogStartOffset: number): Promise<void> {
    if (this.writePause !== null) return this.afterPause(() => this.followLogStartOffset(leaderLogStartOffset));
    if (this.role instanceof LeaderRole || leaderLogStartOffset <= this.log.logStartOffset || leaderLogStartOffset > this.hw) return;
    await this.log.deleteRecordsBefore(leaderLogStartOffset);
  }

  /** Drops every offset from `offset` on (a diverging epoch); producer state is rebuilt, the HW bounded. */
  async truncateTo(offset: number): Promise<void> {
    if (this.writePause !== null) return this.afterPause(() => this.truncateTo(offset));
    await this.log.truncateTo(offset);
    await this.afterTruncation();
    for (const fn of [...this.truncationListeners]) fn(offset, false);
  }

  /** Empties the log and restarts it at `offset` (the leader's log start moved past ours). */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    if (this.writePause !== null) return this.afterPause(() => this.truncateFullyAndStartAt(offset));
    await this.log.truncateFullyAndStartAt(offset);
    this.hw = offset;
    await this.afterTruncation();
    for (const fn of [...this.truncationListeners]) fn(offset, true);
  }

  private async afterTruncation(): Promise<void> {
    if (this.hw > this.log.logEndOffset) this.hw = this.log.logEndOffset;
    if (this.txnIndexFs !== null) this.producers = await loadProducerState(this.txnIndexFs, this.log);
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
    if (this.writePause !== null) await this.afterPause(() => Promise.resolve());
    // From here to the log append nothing awaits: the state sees the marker at its offset.
    const leader = this.role;
    // The aborted-txn entry goes with the marker's log (a log-dir move copies both together).
    const log = this.log;
    if (!(leader instanceof LeaderRole)) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, message: null, offset: -1 };
    const problem = this.producers.checkMarker(producerId, producerEpoch, coordinatorEpoch);
    if (problem !== null) return { errorCode: problem.errorCode, message: problem.message, offset: -1 };
    const offset = this.log.nextOffsetToAssign;
    const written = this.log.append(batch, this.leaderEpoch);
    const aborted = this.producers.completeTxn(producerId, producerEpoch, commit, offset, coordinatorEpoch, timestampMs);
    await written;
    this.onLocalAppend(leader);
    if (this.fsyncOnAcksAll) await this.log.flush();
    const acked = await leader.waitForAcks(offset + 1, Number.POSITIVE_INFINITY);
    if (acked !== ErrorCode.NONE) return { errorCode: acked, message: null, offset: -1 };
    // After the marker is durable (see storage/transaction-index.ts for why that order).
    if (aborted !== null && this.txnIndexFs !== null) {
      await appendAbortedTxn(this.txnIndexFs, log.dir, log.activeSegmentBaseOffset, { ...aborted, lastStableOffset: this.lastStableOffset });
    }
    return { errorCode: ErrorCode.NONE, message: null, offset };
  }

  /**
   * Appends one validated client batch. `producer` describes it when it comes from an idempotent
   * producer (producerId >= 0). Offsets are assigned before this returns its promise, so calls
   * made in request order get offsets in that order.
   */
  appendFromClient(batch: Buffer, acks: number, producer: IdempotentBatch | null, maxTimestamp: number, precheck?: AppendPrecheck, timeoutMs = Number.POSITIVE_INFINITY): Promise<AppendOutcome> {
    return this.order.run<AppendOutcome>(precheck, () => this.appendNow(batch, acks, producer, maxTimestamp, timeoutMs));
  }

  private async appendNow(batch: Buffer, acks: number, producer: IdempotentBatch | null, maxTimestamp: number, timeoutMs: number): Promise<AppendOutcome> {
    if (this.writePause !== null) return this.afterPause(() => this.appendNow(batch, acks, producer, maxTimestamp, timeoutMs));
    const leader = this.role;
    if (!(leader instanceof LeaderRole)) return { kind: 'rejected', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, message: `this broker does not lead ${this.topic}-${this.partitionId}` };
    // Kafka's appendRecordsToLeader: acks=all needs min.insync.replicas in the ISR before it appends.
    if (acks === -1 && !leader.enoughReplicasToAppend()) {
      return { kind: 'rejected', errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, message: `the ISR of ${this.topic}-${this.partitionId} has ${leader.isr.length} replicas, below min.insync.replicas ${this.minInsyncReplicas}` };
    }
    if (producer !== null) {
      const check = this.producers.check(producer);
      if (check.kind === 'error') return { kind: 'rejected', errorCode: check.errorCode, message: check.message };
      if (check.kind === 'duplicate') return this.duplicateOutcome(leader, check.firstOffset, check.lastOffset, acks, timeoutMs);
    }
    const firstOffset = this.log.nextOffsetToAssign;
    const written = this.log.append(batch, this.leaderEpoch);
    if (producer !== null) this.producers.record(producer, firstOffset, this.log.nextOffsetToAssign - 1, maxTimestamp);
    const result = await written;
    this.onLocalAppend(leader);
    if (acks === -1 && this.fsyncOnAcksAll) await this.log.flush();
    const acked = acks === -1 ? await leader.waitForAcks(result.lastOffset + 1, timeoutMs) : ErrorCode.NONE;
    if (acked !== ErrorCode.NONE) return { kind: 'rejected', errorCode: acked, message: `${this.topic}-${this.partitionId}: acks=all not satisfied` };
    return { kind: 'appended', baseOffset: result.firstOffset, lastOffset: result.lastOffset, logAppendTimeMs: result.logAppendTimeMs ?? -1 };
  }

  /**
   * A retried batch already in the log is answered with its original offsets, but (acks=all) only
   * once they are committed, as Kafka's delayed produce waits on the duplicate's last offset: the
   * first copy may still be unreplicated, and a retry acknowledged early is lost with the leader.
   */
  private async duplicateOutcome(leader: LeaderRole, baseOffset: number, lastOffset: number, acks: number, timeoutMs: number): Promise<AppendOutcome> {
    if (acks === -1) {
      if (this.fsyncOnAcksAll) await this.log.flush();
      const acked = await leader.waitForAcks(lastOffset + 1, timeoutMs);
      if (acked !== ErrorCode.NONE) return { kind: 'rejected', errorCode: acked, message: `${this.topic}-${this.partitionId}: acks=all not satisfied` };
    }
    return { kind: 'duplicate', baseOffset, lastOffset, logAppendTimeMs: -1 };
  }

  /**
   * Appends batches the broker itself wrote (coordinator records: Kafka's AppendOrigin.Coordinator),
   * which skip the client checks. acks=-1 is a client's acks=all: min.insync.replicas checked
   * before the append (NOT_ENOUGH_REPLICAS), then the fsync and the HW waited for, at most
   * `timeoutMs` (REQUEST_TIMED_OUT); a failure throws a ReplicationError with Kafka's code.
   */
  async append(batches: Buffer, acks: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<{ baseOffset: number; lastOffset: number; logAppendTimeMs: number }> {
    if (this.writePause !== null) return this.afterPause(() => this.append(batches, acks, timeoutMs));
    const leader = this.role;
    if (!(leader instanceof LeaderRole)) throw new ReplicationError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `this broker does not lead ${this.topic}-${this.partitionId}`);
    if (acks === -1 && !leader.enoughReplicasToAppend()) {
      throw new ReplicationError(ErrorCode.NOT_ENOUGH_REPLICAS, `the ISR of ${this.topic}-${this.partitionId} has ${leader.isr.length} replicas, below min.insync.replicas ${this.minInsyncReplicas}`);
    }
    const result = await this.log.append(batches, this.leaderEpoch);
    this.onLocalAppend(leader);
    if (acks === -1 && this.fsyncOnAcksAll) await this.log.flush();
    const acked = acks === -1 ? await leader.waitForAcks(result.lastOffset + 1, timeoutMs) : ErrorCode.NONE;
    if (acked !== ErrorCode.NONE) throw new ReplicationError(acked, `${this.topic}-${this.partitionId}: acks=all append not satisfied`);
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

  /** Closes the log underneath (tests that own their partition); a leadership ends. */
  close(): Promise<void> {
    if (this.role instanceof LeaderRole) this.role.end();
    return this.log.close();
  }

  /**
   * Pauses writes (appends, truncations, log start moves) until the returned function is called:
   * each one asked for meanwhile then runs, in the order asked, on the log then in force.
   */
  pauseWrites(): () => void {
    if (this.writePause !== null) throw new Error(`writes to ${this.topic}-${this.partitionId} are already paused`);
    let resume!: () => void;
    this.writePause = new Promise<void>((r) => (resume = r));
    return () => {
      this.writePause = null;
      resume();
    };
  }

  /** Runs `fn` once writes resume (and again waits if they were paused anew meanwhile). */
  private async afterPause<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writePause !== null) await this.writePause;
    return fn();
  }

  /**
   * Replaces the log underneath (a log-dir move's swap, writes paused): `next` holds the same
   * offsets, epochs and transactions as the current log. Reads already running finish on the old one.
   */
  swapLog(next: PartitionLog): void {
    if (this.writePause === null) throw new Error(`swapping the log of ${this.topic}-${this.partitionId} needs writes paused`);
    if (next.logEndOffset !== this.log.logEndOffset || next.logStartOffset !== this.log.logStartOffset) {
      throw new Error(`log for ${this.topic}-${this.partitionId} holds [${next.logStartOffset}, ${next.logEndOffset}), not [${this.log.logStartOffset}, ${this.log.logEndOffset})`);
    }
    this.log = next;
  }

  /** Calls `fn(offset, full)` after each truncation of the log (full: emptied and restarted at `offset`). */
  onTruncation(fn: (offset: number, full: boolean) => void): () => void {
    this.truncationListeners.add(fn);
    return () => this.truncationListeners.delete(fn);
  }

  /** Calls `fn` after each move of the high watermark; returns the unsubscribe function. */
  onHighWatermark(fn: () => void): () => void {
    this.hwListeners.add(fn);
    return () => this.hwListeners.delete(fn);
  }

  /** Calls `fn` after each move of the log end offset (what a parked follower fetch waits for). */
  onLogEnd(fn: () => void): () => void {
    this.leoListeners.add(fn);
    return () => this.leoListeners.delete(fn);
  }

  /**
   * Moves the HW up to `offset` (never down: a lower value is ignored), then wakes parked reads and
   * the acks=all produces it satisfies. Called by the leadership (leader-role.ts) and on a
   * follower's fetch response.
   */
  raiseHighWatermark(offset: number): void {
    if (offset <= this.hw) return;
    this.hw = offset;
    if (this.role instanceof LeaderRole) this.role.onHighWatermark(offset);
    this.notify(this.hwListeners);
  }

  /** A leader's append is written: the HW may move (an ISR of one: to the LEO), followers may fetch. */
  private onLocalAppend(leader: LeaderRole): void {
    leader.maybeIncrementHighWatermark();
    this.notify(this.leoListeners);
  }

  private notify(listeners: Set<() => void>): void {
    for (const fn of [...listeners]) fn();
  }
}
