/**
 * A partition's leadership for one leader epoch (Kafka's Partition as leader): the followers'
 * fetch state, the ISR, the high watermark rule, ISR expand and shrink, and the produces waiting
 * for acks=all.
 *
 * ISR changes are proposed, not made (KIP-497): `alterIsr` (later AlterPartition to the
 * controller) answers with the ISR in force, and only then does the ISR change. One proposal is in
 * flight at a time. While one is, the HW is computed over the maximal ISR (the current ISR plus any
 * replica being added; a replica being removed still counts), so a shrink never lets the HW pass a
 * replica before the controller has agreed it is out, and min.insync.replicas counts the ISR in
 * force only.
 *
 * Invariants: the HW is min(leader LEO, LEO of every maximal-ISR follower and of every caught-up
 * ISR-eligible follower) and never moves back (Kafka's maybeIncrementLeaderHW); a follower joins the ISR only
 * once its LEO reaches the HW and this epoch's start offset; an acks=all produce resolves once the
 * HW passes its last offset (NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR in force is
 * then smaller than min.insync.replicas), on its timeout (REQUEST_TIMED_OUT), or when the
 * leadership ends (NOT_LEADER_OR_FOLLOWER).
 */
import type { Clock, Timer } from '../io/clock.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { FollowerReplica } from './follower-replica.js';

/** A proposed ISR for the partition at `leaderEpoch` (AlterPartition's content). */
export interface IsrChangeRequest {
  readonly topic: string;
  readonly partition: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
}

/**
 * Where ISR changes go: resolves with the ISR now in force, or null when the change was refused
 * (a fenced epoch, an ineligible replica): the proposal is then dropped and may be made again.
 */
export type AlterIsr = (request: IsrChangeRequest) => Promise<readonly number[] | null>;

/** Settings shared by every partition of a broker (and the topic's min.insync.replicas, read live). */
export interface ReplicationSettings {
  readonly localId: number;
  readonly clock: Clock;
  /** replica.lag.time.max.ms (Kafka's default 30000). */
  readonly replicaLagTimeMaxMs: number;
  readonly alterIsr: AlterIsr;
  /**
   * Kafka's isReplicaEligible: the replica's broker is registered, unfenced and not shutting
   * down (from the metadata). A caught-up follower outside the ISR holds the HW back only if it is;
   * absent, every replica is.
   */
  readonly isReplicaEligible?: (brokerId: number) => boolean;
}

/** What the leadership needs from its partition. */
export interface LeaderHost {
  readonly topic: string;
  readonly partitionId: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly minInsyncReplicas: number;
  /** Moves the HW up to `offset` (never down) and wakes what waits on it. */
  raiseHighWatermark(offset: number): void;
}

/** Kafka's default replica.lag.time.max.ms. */
export const DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30000;

interface AcksWaiter {
  readonly requiredOffset: number;
  readonly resolve: (errorCode: number) => void;
  timer: Timer | null;
}

export class LeaderRole {
  private readonly followers = new Map<number, FollowerReplica>();
  private isrInForce: number[];
  private pendingIsr: number[] | null = null;
  private waiters: AcksWaiter[] = [];
  private shrinkTimer: Timer | null = null;
  private ended = false;
  replicas: number[];

  constructor(
    private readonly host: LeaderHost,
    private readonly settings: ReplicationSettings,
    readonly leaderEpoch: number,
    replicas: readonly number[],
    isr: readonly number[],
    /** The LEO when this leadership began: a follower joins the ISR only once it has reached it. */
    readonly epochStartOffset: number,
  ) {
    this.replicas = [...replicas];
    this.isrInForce = [...new Set([settings.localId, ...isr])];
    const now = settings.clock.nowMs();
    for (const id of replicas) if (id !== settings.localId) this.followers.set(id, new FollowerReplica(id, isr.includes(id) ? now : 0));
    this.scheduleShrinkCheck();
  }

  get isr(): readonly number[] {
    return this.isrInForce;
  }

  /** The ISR the HW must respect: the ISR in force plus any replica a pending change adds. */
  get maximalIsr(): readonly number[] {
    return this.pendingIsr === null ? this.isrInForce : [...new Set([...this.isrInForce, ...this.pendingIsr])];
  }

  get isrChangePending(): boolean {
    return this.pendingIsr !== null;
  }

  /** How many acks=all produces wait on the HW. */
  get waitingAcks(): number {
    return this.waiters.length;
  }

  follower(id: number): FollowerReplica | undefined {
    return this.followers.get(id);
  }

  /** Metadata changed the replicas or the ISR without a new leader epoch (Kafka keeps the fetch state). */
  updateAssignment(replicas: readonly number[], isr: readonly number[]): void {
    const now = this.settings.clock.nowMs();
    for (const id of replicas) if (id !== this.settings.localId && !this.followers.has(id)) this.followers.set(id, new FollowerReplica(id, isr.includes(id) ? now : 0));
    for (const id of [...this.followers.keys()]) if (!replicas.includes(id)) this.followers.delete(id);
    if (this.shrinkTimer === null) this.scheduleShrinkCheck();
    this.replicas = [...replicas];
    this.isrInForce = [...new Set([this.settings.localId, ...isr])];
    this.pendingIsr = null;
    this.maybeIncrementHighWatermark();
  }

  /**
   * A follower fetched at `fetchOffset` (its LEO) when the leader's LEO was `leaderEndOffset`
   * (Kafka's updateFollowerFetchState): its state, then ISR expansion and the HW.
   */
  onFollowerFetch(replicaId: number, fetchOffset: number, followerLogStartOffset: number, leaderEndOffset: number): boolean {
    const f = this.followers.get(replicaId);
    if (f === undefined || this.ended) return false;
    f.onFetch(fetchOffset, followerLogStartOffset, this.settings.clock.nowMs(), leaderEndOffset);
    this.maybeExpandIsr(f);
    this.maybeIncrementHighWatermark();
    return true;
  }

  /** Kafka's maybeIncrementLeaderHW: the smallest LEO the committed data must be on. */
  maybeIncrementHighWatermark(): void {
    if (this.ended) return;
    const leo = this.host.logEndOffset;
    const now = this.settings.clock.nowMs();
    const maximal = this.maximalIsr;
    let hw = leo;
    for (const f of this.followers.values()) {
      // A caught-up follower outside the ISR counts too (it may be about to join), unless its broker
      // is fenced or leaving: the controller took it out of the ISR, and the HW must not wait for it.
      const counts = maximal.includes(f.brokerId) || (f.isCaughtUp(leo, now, this.settings.replicaLagTimeMaxMs) && (this.settings.isReplicaEligible?.(f.brokerId) ?? true));
      if (counts && f.logEndOffset < hw) hw = f.logEndOffset;
    }
    if (hw > this.host.highWatermark) this.host.raiseHighWatermark(hw);
  }

  /** Called on every HW move: completes the acks=all produces it satisfies. */
  onHighWatermark(hw: number): void {
    if (this.waiters.length === 0) return;
    const still: AcksWaiter[] = [];
    for (const w of this.waiters) {
      if (hw >= w.requiredOffset) this.finish(w, this.isrInForce.length >= this.host.minInsyncReplicas ? ErrorCode.NONE : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Kafka's min.insync.replicas check before an acks=all append. */
  enoughReplicasToAppend(): boolean {
    return this.isrInForce.length >= this.host.minInsyncReplicas;
  }

  /** Resolves with the produce's error code once the HW reaches `requiredOffset` (its last offset + 1). */
  waitForAcks(requiredOffset: number, timeoutMs: number): Promise<number> {
    if (this.ended) return Promise.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return new Promise((resolve) => {
      const w: AcksWaiter = { requiredOffset, resolve, timer: null };
      this.waiters.push(w);
      this.onHighWatermark(this.host.highWatermark);
      if (this.waiters.includes(w) && timeoutMs >= 0 && Number.isFinite(timeoutMs)) {
        w.timer = this.settings.clock.setTimer(timeoutMs, () => {
          this.waiters = this.waiters.filter((x) => x !== w);
          this.finish(w, ErrorCode.REQUEST_TIMED_OUT);
        });
      }
    });
  }

  /** The leadership is over: waiters hear NOT_LEADER_OR_FOLLOWER, timers stop, proposals are ignored. */
  end(): void {
    this.ended = true;
    this.shrinkTimer?.cancel();
    this.shrinkTimer = null;
    for (const w of this.waiters.splice(0)) this.finish(w, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }

  /** Kafka's maybeShrinkIsr: ISR followers not caught up within replica.lag.time.max.ms are proposed out. */
  maybeShrinkIsr(): void {
    if (this.ended || this.pendingIsr !== null) return;
    const leo = this.host.logEndOffset;
    const now = this.settings.clock.nowMs();
    const out = this.isrInForce.filter((id) => {
      const f = this.followers.get(id);
      return id !== this.settings.localId && (f === undefined || !f.isCaughtUp(leo, now, this.settings.replicaLagTimeMaxMs));
    });
    if (out.length > 0) this.propose(this.isrInForce.filter((id) => !out.includes(id)));
  }

  private maybeExpandIsr(f: FollowerReplica): void {
    if (this.pendingIsr !== null || this.isrInForce.includes(f.brokerId)) return;
    // A fenced or leaving broker would be refused (INELIGIBLE_REPLICA), proposal after proposal.
    if (!(this.settings.isReplicaEligible?.(f.brokerId) ?? true)) return;
    if (f.logEndOffset >= this.host.highWatermark && f.logEndOffset >= this.epochStartOffset) this.propose([...this.isrInForce, f.brokerId]);
  }

  private propose(isr: number[]): void {
    this.pendingIsr = isr;
    const request = { topic: this.host.topic, partition: this.host.partitionId, leaderEpoch: this.leaderEpoch, isr };
    this.settings.alterIsr(request).then(
      (inForce) => this.applyIsr(isr, inForce),
      () => this.applyIsr(isr, null),
    );
  }

  private applyIsr(proposed: number[], inForce: readonly number[] | null): void {
    if (this.ended || this.pendingIsr !== proposed) return;
    this.pendingIsr = null;
    if (inForce !== null) this.isrInForce = [...new Set([this.settings.localId, ...inForce])];
    // A smaller ISR may let the HW advance; waiters then learn whether enough replicas remain.
    this.maybeIncrementHighWatermark();
    this.onHighWatermark(this.host.highWatermark);
  }

  private scheduleShrinkCheck(): void {
    // A leader without followers (a replica of one) has no ISR to shrink: no timer.
    if (this.ended || this.followers.size === 0) return;
    // Kafka's isr-expiration task runs every replica.lag.time.max.ms / 2.
    this.shrinkTimer = this.settings.clock.setTimer(Math.max(1, Math.floor(this.settings.replicaLagTimeMaxMs / 2)), () => {
      this.shrinkTimer = null;
      if (this.ended) return;
      this.maybeShrinkIsr();
      this.scheduleShrinkCheck();
    });
  }

  private finish(w: AcksWaiter, errorCode: number): void {
    w.timer?.cancel();
    w.resolve(errorCode);
  }
}
