/**
 * The follower side of replication for the partitions one leader broker leads here (Kafka's
 * ReplicaFetcherThread over AbstractFetcherThread): one Fetch at a time to that broker, as a
 * replica (replica_state.replica_id), with each partition's fetch offset (its LEO), last fetched
 * epoch (its latest log epoch: the leader checks it, KIP-320) and current leader epoch; then, per
 * partition:
 * - records: appended as they are (the leader's offsets and epochs), the HW and the log start
 *   offset taken from the leader (each bounded by what this replica has);
 * - a diverging epoch: truncated as Kafka's getOffsetTruncationState says (to the end of the
 *   largest common epoch), then fetched again from the new end (KIP-279);
 * - OFFSET_OUT_OF_RANGE: behind the leader's log start, the log restarts there
 *   (truncateFullyAndStartAt); past the leader's log (only after an unclean election), it truncates
 *   to the leader's HW;
 * - FENCED_LEADER_EPOCH (this follower's epoch is stale): the partition waits for metadata (a
 *   new becomeFollower and addPartition) before fetching again;
 * - other errors, NOT_LEADER_OR_FOLLOWER among them (the new leader has not learnt of its
 *   leadership yet: metadata reaches brokers in any order), UNKNOWN_LEADER_EPOCH (the leader is
 *   behind this follower's epoch): the partition backs off for replica.fetch.backoff.ms, as Kafka's
 *   fetcher does.
 *
 * Replication throttles (KIP-73): a partition throttled on this follower
 * (follower.replication.throttled.replicas) and not in sync (its last fetch left it behind the
 * leader's HW, or it has not fetched yet) is left out of the Fetch while the follower quota is
 * exceeded; every throttled partition's appended bytes are recorded into that quota (Kafka's
 * ReplicaFetcherThread and RemoteLeaderEndPoint.buildFetch). With every partition left out, the
 * fetcher waits replica.fetch.backoff.ms, as Kafka's does with nothing to fetch.
 *
 * The leader is reached through a `FetchTransport` (a socket client later, in-process in tests);
 * time goes through the io/ clock seam. Invariant: a response is applied to a partition only if
 * the partition still follows this leader at the epoch and offset the request named (a leader
 * change or truncation in between voids it).
 */
import type { Clock, Timer } from '../io/clock.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { FetchRequest } from '../protocol/generated/messages/fetch-request.js';
import type { FetchResponse, PartitionData } from '../protocol/generated/messages/fetch-response.js';
import type { Partition } from '../partition/partition.js';
import { UNBOUNDED_QUOTA, type ReplicaQuota } from '../partition/replication-quota.js';

/** How a follower reaches a leader broker with a Fetch (the request and response of Fetch v17). */
export interface FetchTransport {
  /** Resolves with `brokerId`'s response; rejects when the broker cannot be reached. */
  fetch(brokerId: number, request: FetchRequest): Promise<FetchResponse>;
}

export interface ReplicaFetcherSettings {
  readonly localId: number;
  /** This broker's epoch from its registration (-1: not checked). */
  readonly brokerEpoch?: number;
  readonly clock: Clock;
  readonly transport: FetchTransport;
  /** replica.fetch.wait.max.ms (500). */
  readonly maxWaitMs?: number;
  /** replica.fetch.min.bytes (1). */
  readonly minBytes?: number;
  /** replica.fetch.response.max.bytes (10 MiB). */
  readonly maxBytes?: number;
  /** replica.fetch.max.bytes (1 MiB). */
  readonly partitionMaxBytes?: number;
  /** replica.fetch.backoff.ms (1000). */
  readonly backoffMs?: number;
  /** The follower replication quota (KIP-73); none: unthrottled. */
  readonly quota?: ReplicaQuota;
  /** Told about failures worth an operator's attention. */
  readonly onError?: (message: string) => void;
}

/** What one fetch round did, per partition key `topic-partition` (for tests and logs). */
export type PartitionOutcome = 'appended' | 'empty' | 'truncated' | 'awaitingMetadata' | 'backoff' | 'stale';

interface FetchState {
  readonly partition: Partition;
  /** The leader epoch this fetcher was given the partition at. */
  readonly leaderEpoch: number;
  awaitingMetadata: boolean;
  backoffUntilMs: number;
  /** How far behind the leader's HW the last fetch left it (undefined: not fetched yet); 0 is in sync. */
  lag: number | undefined;
}

const key = (p: Partition): string => `${p.topic}-${p.partitionId}`;

export class ReplicaFetcher {
  private readonly states = new Map<string, FetchState>();
  private running = false;
  private stopped = false;
  private loopDone: Promise<void> | null = null;
  /** Settles when the response being applied now (appends, truncations) is done; null when none is. */
  private handling: Promise<void> | null = null;
  private sleeper: { timer: Timer; wake: () => void } | null = null;
  /** A partition was added since the current round began: the loop must not sleep after it. */
  private kicked = false;

  constructor(
    /** The broker this fetcher fetches from. */
    readonly leaderId: number,
    private readonly settings: ReplicaFetcherSettings,
  ) {}

  /** Starts (or restarts, after a new leader epoch) fetching `p`, which must follow `leaderId`. */
  addPartition(p: Partition): void {
    if (p.isLeader || p.leaderId !== this.leaderId) throw new Error(`${key(p)} does not follow broker ${this.leaderId}`);
    this.states.set(key(p), { partition: p, leaderEpoch: p.leaderEpoch, awaitingMetadata: false, backoffUntilMs: 0, lag: undefined });
    this.kicked = true;
    this.sleeper?.wake();
  }

  /**
   * Stops fetching `p`; resolves once no response is being applied to it, so the caller may then
   * change its role (unfollow before becomeLeader, as Kafka removes a partition from its fetcher).
   */
  async removePartition(p: Partition): Promise<void> {
    this.states.delete(key(p));
    await this.handling;
  }

  get partitionCount(): number {
    return this.states.size;
  }

  /** One Fetch to the leader and its handling. Resolves with what happened to each partition fetched. */
  async fetchOnce(): Promise<Map<string, PartitionOutcome>> {
    const outcomes = new Map<string, PartitionOutcome>();
    const now = this.settings.clock.nowMs();
    const fetching = [...this.states.values()].filter((s) => !s.awaitingMetadata && s.backoffUntilMs <= now && !this.shouldFollowerThrottle(s));
    if (fetching.length === 0) return outcomes;
    const request = this.buildRequest(fetching);
    let response: FetchResponse;
    try {
      response = await this.settings.transport.fetch(this.leaderId, request);
    } catch (e) {
      this.settings.onError?.(`fetch from broker ${this.leaderId} failed: ${e instanceof Error ? e.message : String(e)}`);
      for (const s of fetching) this.backOff(s, outcomes);
      return outcomes;
    }
    // Stopped while the leader held the fetch: the answer is for nobody.
    if (this.stopped) return outcomes;
    if (response.errorCode !== ErrorCode.NONE) {
      for (const s of fetching) this.backOff(s, outcomes);
      return outcomes;
    }
    let handled!: () => void;
    this.handling = new Promise<void>((r) => (handled = r));
    try {
      await this.apply(request, response, fetching, outcomes);
    } finally {
      this.handling = null;
      handled();
    }
    return outcomes;
  }

  private async apply(request: FetchRequest, response: FetchResponse, fetching: readonly FetchState[], outcomes: Map<string, PartitionOutcome>): Promise<void> {
    const byKey = new Map<string, PartitionData>();
    for (const t of response.responses) {
      const sent = request.topics.find((r) => r.topicId === t.topicId || (t.topic !== undefined && t.topic !== '' && r.topic === t.topic));
      for (const pd of t.partitions) byKey.set(`${sent?.topic ?? t.topic ?? ''}-${pd.partitionIndex}`, pd);
    }
    for (const s of fetching) {
      const pd = byKey.get(key(s.partition));
      const sentOffset = Number(request.topics.find((t) => t.topic === s.partition.topic)?.partitions.find((x) => x.partition === s.partition.partitionId)?.fetchOffset ?? -1n);
      if (pd === undefined) continue;
      outcomes.set(key(s.partition), await this.handle(s, pd, sentOffset));
    }
  }

  /** Kafka's shouldFollowerThrottle: not in sync, throttled here, and the follower quota exceeded. */
  private shouldFollowerThrottle(s: FetchState): boolean {
    const quota = this.quota;
    const inSync = s.lag !== undefined && s.lag <= 0;
    return !inSync && quota.isThrottled(s.partition.topic, s.partition.partitionId) && quota.isQuotaExceeded();
  }

  private get quota(): ReplicaQuota {
    return this.settings.quota ?? UNBOUNDED_QUOTA;
  }

  /** Fetches in a loop until stop(): back-to-back while data flows (the leader parks empty fetches), backing off otherwise. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Stops the loop; resolves once no response is being applied (a fetch the leader still holds is
   * not waited for: its answer is dropped). A stopped fetcher does not start again.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    this.sleeper?.wake();
    await this.handling;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let outcomes: Map<string, PartitionOutcome>;
      this.kicked = false;
      try {
        outcomes = await this.fetchOnce();
      } catch (e) {
        // A local storage failure: the partition's log is failed; keep the other partitions going.
        this.settings.onError?.(`replica fetcher for broker ${this.leaderId}: ${e instanceof Error ? e.stack : String(e)}`);
        outcomes = new Map();
      }
      if (!this.running) break;
      const progressed = [...outcomes.values()].some((o) => o === 'appended' || o === 'truncated' || o === 'empty');
      if (!progressed && !this.kicked) await this.sleep(this.settings.backoffMs ?? 1000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        if (this.sleeper?.wake !== wake) return;
        this.sleeper.timer.cancel();
        this.sleeper = null;
        resolve();
      };
      this.sleeper = { timer: this.settings.clock.setTimer(ms, () => wake()), wake };
    });
  }

  private buildRequest(fetching: readonly FetchState[]): FetchRequest {
    const topics = new Map<string, FetchRequest['topics'][number]>();
    for (const s of fetching) {
      const p = s.partition;
      let t = topics.get(p.topic);
      if (t === undefined) topics.set(p.topic, (t = { topic: p.topic, topicId: p.topicId, partitions: [] }));
      t.partitions.push({
        partition: p.partitionId,
        currentLeaderEpoch: s.leaderEpoch,
        fetchOffset: BigInt(p.logEndOffset),
        lastFetchedEpoch: p.latestLogEpoch,
        logStartOffset: BigInt(p.logStartOffset),
        partitionMaxBytes: this.settings.partitionMaxBytes ?? 1024 * 1024,
      });
    }
    return {
      clusterId: null,
      replicaId: this.settings.localId,
      replicaState: { replicaId: this.settings.localId, replicaEpoch: BigInt(this.settings.brokerEpoch ?? -1) },
      maxWaitMs: this.settings.maxWaitMs ?? 500,
      minBytes: this.settings.minBytes ?? 1,
      maxBytes: this.settings.maxBytes ?? 10 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topics.values()],
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  private async handle(s: FetchState, pd: PartitionData, sentOffset: number): Promise<PartitionOutcome> {
    const p = s.partition;
    // The partition moved on meanwhile (a new epoch, leadership, or removal): the answer is void.
    if (this.states.get(key(p)) !== s || p.isLeader || p.leaderId !== this.leaderId || p.leaderEpoch !== s.leaderEpoch || p.logEndOffset !== sentOffset) return 'stale';
    switch (pd.errorCode) {
      case ErrorCode.NONE:
        return this.onData(s, pd);
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        if (await this.onOutOfRange(p, pd)) return 'truncated';
        s.backoffUntilMs = this.settings.clock.nowMs() + (this.settings.backoffMs ?? 1000);
        return 'backoff';
      case ErrorCode.FENCED_LEADER_EPOCH:
        s.awaitingMetadata = true;
        return 'awaitingMetadata';
      default:
        s.backoffUntilMs = this.settings.clock.nowMs() + (this.settings.backoffMs ?? 1000);
        return 'backoff';
    }
  }

  private async onData(s: FetchState, pd: PartitionData): Promise<PartitionOutcome> {
    const p = s.partition;
    const diverging = pd.divergingEpoch;
    if (diverging !== undefined && (diverging.epoch ?? -1) >= 0) {
      await p.truncateTo(truncationOffset(p, diverging.epoch ?? -1, Number(diverging.endOffset ?? -1n)));
      return 'truncated';
    }
    const records = pd.records ?? Buffer.alloc(0);
    const before = p.logEndOffset;
    if (records.length > 0) await p.appendAsFollower(records);
    // In-sync and catching-up replicas' bytes both count, so the total stays under the bound.
    if (this.quota.isThrottled(p.topic, p.partitionId)) this.quota.record(records.length);
    s.lag = Math.max(0, Number(pd.highWatermark) - p.logEndOffset);
    p.updateFollowerHighWatermark(Number(pd.highWatermark));
    await p.followLogStartOffset(Number(pd.logStartOffset ?? -1n));
    return p.logEndOffset > before ? 'appended' : 'empty';
  }

  /** Returns whether the log was changed (else the fetch is retried after a back-off). */
  private async onOutOfRange(p: Partition, pd: PartitionData): Promise<boolean> {
    const leaderStart = Number(pd.logStartOffset ?? -1n);
    if (leaderStart > p.logEndOffset) {
      await p.truncateFullyAndStartAt(leaderStart);
      return true;
    }
    // Past the leader's log (only after an unclean election): keep what was committed here.
    const target = Math.max(Number(pd.highWatermark), p.highWatermark);
    if (Number(pd.highWatermark) < 0 || target >= p.logEndOffset) return false;
    await p.truncateTo(target);
    return true;
  }

  private backOff(s: FetchState, outcomes: Map<string, PartitionOutcome>): void {
    s.backoffUntilMs = this.settings.clock.nowMs() + (this.settings.backoffMs ?? 1000);
    outcomes.set(key(s.partition), 'backoff');
  }
}

/**
 * Kafka's getOffsetTruncationState for a diverging epoch (leaderEpoch, leaderEndOffset): the
 * follower's end of the same epoch when it knows it, else the end of its largest epoch below.
 */
export function truncationOffset(p: Partition, leaderEpoch: number, leaderEndOffset: number): number {
  const leo = p.logEndOffset;
  if (leaderEndOffset < 0) return Math.min(p.highWatermark, leo);
  const mine = p.endOffsetForEpoch(leaderEpoch);
  if (mine.endOffset < 0) return Math.min(leaderEndOffset, leo);
  // An epoch the follower does not have: cut to where its own earlier epoch ends; the next fetch
  // (with that epoch as the last fetched one) finds the rest of the divergence, if any.
  if (mine.epoch !== leaderEpoch) return Math.min(mine.endOffset, leo);
  return Math.min(mine.endOffset, leaderEndOffset, leo);
}
