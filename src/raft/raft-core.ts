/**
 * The KRaft-style quorum as a pure state machine, with static voters (kraft.version 0) or, with
 * KIP-853 (kraft.version 1), voters read from the log's VotersRecords and changed through the
 * leader's `addVoter` / `removeVoter` (reconfiguration.ts, voter-tracking.ts): `step(nowMs, input)`
 * returns the outputs the driver performs, in order (the contract is in steps.ts). No clock,
 * timers, randomness or I/O inside: time arrives with each step, randomness through the `Random`
 * given at construction, the log's bytes through a synchronous `RaftLogReader`.
 *
 * Where the log lives: the driver owns the bytes (segments, snapshots); the core keeps the log's
 * shape (start/end/durable offsets, snapshot id, an in-memory leader-epoch cache, see
 * log-view.ts) and changes it only together with the matching output (append, truncate, flush,
 * deleteBefore, installSnapshot). On restart the driver passes the recovered shape and the
 * quorum-state file's contents; the core then starts, like Kafka's QuorumState.initialize, as
 * Resigned if it led the stored epoch, Follower if it knew a leader, Unattached otherwise.
 *
 * Driving it: feed `tick` at `nextDeadlineMs()` (or earlier), every received message, proposals
 * and snapshot notices. `describeQuorum()` answers DescribeQuorum from the leader's view.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { Random } from '../io/random.js';
import type { RaftConfig } from './config.js';
import { isDynamic, refreshObserver, type CoreContext, type RaftLogReader } from './core-context.js';
import { handleBeginQuorumEpochRequest, handleEndQuorumEpochRequest, handleVoteRequest, handleVoteResponse } from './election.js';
import { flushLog, handleFetchResponse, handleFetchSnapshotResponse, maybeSendFetch } from './follower-replication.js';
import { clearInactiveObservers, completeParkedFetches, handleFetchRequest, handleFetchSnapshotRequest, maybeAdvanceHighWatermark } from './leader-replication.js';
import { LogView, type RecoveredLog } from './log-view.js';
import { isRequest, type RaftMessage, type RaftRequest } from './messages.js';
import type { ElectionState } from './quorum-state-file.js';
import { RequestTracker } from './request-tracker.js';
import type { Role } from './roles.js';
import type { RaftInput, RaftOutput } from './steps.js';
import { addVoter, removeVoter } from './reconfiguration.js';
import { handleHigherEpoch, loseElection, mayLead, sendEndQuorumEpochs, toFollower, toObserverUnattached, toProspective, toResigned, toUnattached } from './transitions.js';
import { NO_NODE, type NodeId, type OffsetAndEpoch } from './types.js';
import { VoterSetHistory, type ReplicaKey } from './voter-set.js';
import { appendToLog, deleteLogBefore, resolveSnapshotVoters } from './voter-tracking.js';

export interface RaftCoreParams {
  readonly localId: NodeId;
  /**
   * controller.quorum.voters' ids. Without localId the node is an observer (Kafka's broker-only
   * node): it replicates the log and learns the high watermark, but never votes, stands or leads.
   * Ignored with kraft.version 1 (`log.voters` given): the voters are then the log's.
   */
  readonly voters: readonly NodeId[];
  /**
   * An observer's controller.quorum.bootstrap.servers, as ids the driver maps to addresses: whom it
   * asks until an answer names the leader. Defaults to the voters; required when there are none.
   */
  readonly bootstrap?: readonly NodeId[];
  readonly config: RaftConfig;
  readonly random: Random;
  readonly reader: RaftLogReader;
  /** The quorum-state file's contents (decodeQuorumState), or undefined when there is none. */
  readonly quorumState: ElectionState | undefined;
  readonly log: RecoveredLog;
}

/**
 * The voter set by offset: kraft.version 1 when the recovered log carries one (KIP-853), else the
 * static voters. VotersRecords before the snapshot end are already in the snapshot's set.
 */
function voterHistoryOf(params: RaftCoreParams): VoterSetHistory {
  const recovered = params.log.voters;
  if (recovered === undefined) return new VoterSetHistory(params.voters.map((id): ReplicaKey => ({ id, directoryId: '' })), 0);
  const snapEnd = params.log.snapshotId?.endOffset ?? 0;
  return new VoterSetHistory(recovered.base, 1, recovered.changes.filter((ch) => ch.offset >= snapEnd));
}

export interface ReplicaDescription {
  readonly replicaId: NodeId;
  readonly logEndOffset: number;
  readonly lastFetchTimestamp: number;
  readonly lastCaughtUpTimestamp: number;
}

export interface DescribeQuorumData {
  readonly errorCode: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  readonly currentVoters: readonly ReplicaDescription[];
  /** Non-voters fetching from the leader (seen in the last OBSERVER_SESSION_TIMEOUT_MS), by id. */
  readonly observers: readonly ReplicaDescription[];
}

export class RaftCore {
  private readonly c: CoreContext;
  private started = false;

  constructor(params: RaftCoreParams) {
    const { localId, config } = params;
    const history = voterHistoryOf(params);
    const voters = history.latest().map((v) => v.id);
    const dynamic = history.kraftVersion === 1;
    const bootstrap = params.bootstrap ?? (dynamic ? [] : voters);
    const observer = !voters.includes(localId);
    if (observer && bootstrap.length === 0 && voters.length === 0) throw new Error(`raft: observer ${localId} knows neither voters nor bootstrap servers`);
    if (!observer && !dynamic && params.bootstrap !== undefined) throw new Error(`raft: voter ${localId} is given bootstrap servers; only an observer looks for its leader`);
    this.c = {
      localId,
      voters,
      observer,
      bootstrap: [...bootstrap],
      history,
      pendingSnapshotVoters: undefined,
      config,
      random: params.random,
      reader: params.reader,
      log: new LogView(params.log),
      requests: new RequestTracker(config.requestTimeoutMs, config.retryBackoffMs, params.random),
      nowMs: 0,
      election: params.quorumState ?? { epoch: 0, leaderId: NO_NODE, votedId: NO_NODE },
      role: { kind: 'unattached', electionDeadlineMs: 0 },
      highWatermark: undefined,
      out: [],
    };
    refreshObserver(this.c);
  }

  step(nowMs: number, input: RaftInput): RaftOutput[] {
    const c = this.c;
    c.nowMs = Math.max(c.nowMs, nowMs);
    c.out = [];
    if (!this.started) this.start();
    resolveSnapshotVoters(c);
    switch (input.kind) {
      case 'tick':
        break;
      case 'receive':
        this.receive(input.from, input.message);
        break;
      case 'propose':
        this.propose(input.id, input.entries);
        break;
      case 'snapshotTaken':
        this.snapshotTaken(input.snapshotId);
        break;
      case 'resign':
        if (c.role.kind === 'leader') toResigned(c, this.successorsByProgress());
        break;
      case 'addVoter':
        addVoter(c, input.id, input.voter);
        break;
      case 'removeVoter':
        removeVoter(c, input.id, input.voter);
        break;
    }
    this.pollTimers();
    return c.out;
  }

  /** Kafka's QuorumState.initialize, run on the first step. */
  private start(): void {
    const c = this.c;
    this.started = true;
    const stored = c.election;
    const logEpoch = c.log.lastFetchedEpoch();
    if (c.log.recoveredBehindSnapshot && c.log.snapshotId !== undefined) c.out.push({ kind: 'deleteBefore', snapshotId: c.log.snapshotId });
    if (c.log.snapshotId !== undefined) {
      c.highWatermark = c.log.snapshotId.endOffset;
      c.out.push({ kind: 'highWatermark', offset: c.highWatermark });
    }
    refreshObserver(c);
    if (logEpoch > stored.epoch) {
      c.election = { epoch: logEpoch - 1, leaderId: NO_NODE, votedId: NO_NODE };
      return toUnattached(c, logEpoch);
    }
    if (c.observer) return this.startObserver();
    // A lone voter need not wait for anyone: it stands at once (in a new epoch).
    if (c.voters.length === 1) {
      c.role = { kind: 'unattached', electionDeadlineMs: c.nowMs };
      return;
    }
    if (stored.leaderId === c.localId) return toResigned(c, []);
    if (stored.leaderId !== NO_NODE && c.voters.includes(stored.leaderId)) {
      c.role = { kind: 'follower', fetchDeadlineMs: c.nowMs + c.config.fetchTimeoutMs, lastLeaderContactMs: undefined, electionAtMs: undefined, snapshotFetch: undefined };
      c.out.push({ kind: 'leaderChange', leaderId: stored.leaderId, epoch: stored.epoch });
      return;
    }
    c.role = { kind: 'unattached', electionDeadlineMs: c.nowMs + c.config.electionTimeoutMs + c.random.nextInt(c.config.electionTimeoutMs) };
  }

  /**
   * An observer follows the leader its quorum-state names (Kafka's QuorumState.initialize);
   * otherwise it fetches from the voters until one names the leader.
   */
  private startObserver(): void {
    const c = this.c;
    const stored = c.election.leaderId;
    if (mayLead(c, stored)) {
      c.role = { kind: 'follower', fetchDeadlineMs: c.nowMs + c.config.fetchTimeoutMs, lastLeaderContactMs: undefined, electionAtMs: undefined, snapshotFetch: undefined };
      c.out.push({ kind: 'leaderChange', leaderId: stored, epoch: c.election.epoch });
      return;
    }
    c.role = { kind: 'unattached', electionDeadlineMs: Infinity };
  }

  private receive(from: NodeId, message: RaftMessage): void {
    const c = this.c;
    // Fetches come from observers too. Answers are taken only for requests in flight (below), so
    // an observer hears its leader and its bootstrap servers whatever their ids.
    // With kraft.version 1 (KIP-853) election requests come from replicas our voter set may not hold yet.
    if (!isDynamic(c) && !c.voters.includes(from) && isRequest(message) && message.kind !== 'FetchRequest' && message.kind !== 'FetchSnapshotRequest') return;
    if (isRequest(message)) return this.handleRequest(from, message);
    if (!c.requests.accept(from, message.kind, message.correlationId)) return;
    switch (message.kind) {
      case 'VoteResponse':
        return handleVoteResponse(c, from, message);
      case 'BeginQuorumEpochResponse':
        if (message.leaderEpoch > c.election.epoch) return handleHigherEpoch(c, message.leaderEpoch, message.leaderId);
        if (c.role.kind === 'leader' && message.errorCode === ErrorCode.NONE) c.role.beginPending.delete(from);
        else c.requests.backoff(from, c.nowMs);
        return;
      case 'EndQuorumEpochResponse':
        if (message.leaderEpoch > c.election.epoch) return handleHigherEpoch(c, message.leaderEpoch, message.leaderId);
        if (c.role.kind === 'resigned' && message.errorCode === ErrorCode.NONE) c.role.unacked.delete(from);
        return;
      case 'FetchResponse':
        return handleFetchResponse(c, from, message);
      case 'FetchSnapshotResponse':
        return handleFetchSnapshotResponse(c, from, message);
    }
  }

  private handleRequest(from: NodeId, req: RaftRequest): void {
    const c = this.c;
    switch (req.kind) {
      case 'VoteRequest':
        return handleVoteRequest(c, from, req);
      case 'BeginQuorumEpochRequest':
        return handleBeginQuorumEpochRequest(c, from, req);
      case 'EndQuorumEpochRequest':
        return handleEndQuorumEpochRequest(c, from, req);
      case 'FetchRequest':
        return handleFetchRequest(c, from, req);
      case 'FetchSnapshotRequest':
        return handleFetchSnapshotRequest(c, from, req);
    }
  }

  private propose(id: number, payloads: readonly Uint8Array[]): void {
    const c = this.c;
    if (c.role.kind !== 'leader' || payloads.length === 0) {
      const errorCode = payloads.length === 0 ? ErrorCode.INVALID_REQUEST : ErrorCode.NOT_LEADER_OR_FOLLOWER;
      const leaderId = c.role.kind === 'follower' || c.role.kind === 'leader' ? c.election.leaderId : NO_NODE;
      c.out.push({ kind: 'proposalResult', id, result: { accepted: false, errorCode, leaderId, leaderEpoch: c.election.epoch } });
      return;
    }
    const baseOffset = c.log.endOffset;
    const epoch = c.election.epoch;
    const entries = payloads.map((data, i) => ({ offset: baseOffset + i, epoch, data }));
    appendToLog(c, entries);
    c.out.push({ kind: 'proposalResult', id, result: { accepted: true, baseOffset, lastOffset: baseOffset + entries.length - 1, epoch } });
    completeParkedFetches(c, false);
  }

  private snapshotTaken(id: OffsetAndEpoch): void {
    const c = this.c;
    const hw = c.highWatermark ?? 0;
    if (id.endOffset <= c.log.startOffset) return; // an older snapshot than ours: nothing to delete
    if (id.endOffset > hw) throw new Error(`raft: snapshot end ${id.endOffset} is past the high watermark ${hw}`);
    if (c.log.epochOf(id.endOffset - 1) !== id.epoch) throw new Error(`raft: snapshot epoch ${id.epoch} is not the epoch of offset ${id.endOffset - 1}`);
    deleteLogBefore(c, id);
  }

  /** Deadlines: flushes, elections, fetch timeouts, check-quorum; then the requests now due. */
  private pollTimers(): void {
    const c = this.c;
    if (c.role.kind === 'leader' && c.log.durableEndOffset < c.log.endOffset) {
      flushLog(c);
      maybeAdvanceHighWatermark(c);
    }
    this.fireDeadlines();
    this.sendDueRequests();
  }

  private fireDeadlines(): void {
    const c = this.c;
    const now = c.nowMs;
    const role: Role = c.role;
    // An observer has no election to start: its fetch timeout sends it looking (follower-replication.ts).
    // One the voter set just dropped (KIP-853) leaves a voter's role once its timer runs out.
    if (c.observer) {
      if (role.kind === 'leader' && (role.resignRequested || now >= role.checkQuorumDeadlineMs)) return toResigned(c, this.successorsByProgress());
      if ((role.kind === 'resigned' || role.kind === 'prospective' || role.kind === 'candidate') && now >= role.electionDeadlineMs) toObserverUnattached(c);
      return;
    }
    switch (role.kind) {
      case 'unattached':
        if (now >= role.electionDeadlineMs) toProspective(c, 0);
        return;
      case 'prospective':
      case 'candidate':
        if (role.backoffUntilMs !== undefined && now >= role.backoffUntilMs) return toProspective(c, role.retries + 1);
        if (now >= role.electionDeadlineMs) loseElection(c);
        return;
      case 'follower':
        if (now >= role.fetchDeadlineMs || (role.electionAtMs !== undefined && now >= role.electionAtMs)) toProspective(c, 0);
        return;
      case 'resigned':
        if (now >= role.electionDeadlineMs) toProspective(c, 0);
        return;
      case 'leader':
        if (role.resignRequested) return toResigned(c, this.successorsByProgress());
        // A lone voter leading itself needs no one; a leader outside a one-voter set (KIP-853) does.
        if (now >= role.checkQuorumDeadlineMs && (c.voters.length > 1 || !c.voters.includes(c.localId))) toResigned(c, []);
        return;
    }
  }

  /** Whatever the current role owes: a follower's next fetch, re-sent Begin/EndQuorumEpoch, expired parked fetches. */
  private sendDueRequests(): void {
    const c = this.c;
    const role: Role = c.role;
    if (role.kind === 'follower' || (c.observer && role.kind === 'unattached')) return maybeSendFetch(c);
    if (role.kind === 'resigned') return sendEndQuorumEpochs(c);
    if (role.kind !== 'leader') return;
    completeParkedFetches(c, true);
    for (const to of role.beginPending) {
      if (c.requests.isReady(to, c.nowMs)) this.sendBeginQuorumEpoch(to);
    }
  }

  private sendBeginQuorumEpoch(to: NodeId): void {
    const c = this.c;
    const correlationId = c.requests.send(to, 'BeginQuorumEpochRequest', c.nowMs);
    c.out.push({ kind: 'send', to, message: { kind: 'BeginQuorumEpochRequest', correlationId, leaderId: c.localId, leaderEpoch: c.election.epoch } });
  }

  /** Other voters, most caught up first (Kafka's LeaderState.nonLeaderVotersByDescendingFetchOffset). */
  private successorsByProgress(): NodeId[] {
    const c = this.c;
    if (c.role.kind !== 'leader') return [];
    const progress = c.role.progress;
    return c.voters.filter((v) => v !== c.localId).sort((a, b) => (progress.get(b)?.endOffset ?? -1) - (progress.get(a)?.endOffset ?? -1) || a - b);
  }

  /** When the driver must call `tick` at the latest (Infinity: only on input). */
  nextDeadlineMs(): number {
    const c = this.c;
    if (!this.started) return c.nowMs;
    const r = c.role;
    let next = c.requests.nextReadyMs(c.nowMs);
    if (c.observer && (r.kind === 'follower' || r.kind === 'unattached')) return r.kind === 'follower' && r.fetchDeadlineMs > c.nowMs ? Math.min(next, r.fetchDeadlineMs) : next;
    switch (r.kind) {
      case 'unattached':
        return Math.min(next, r.electionDeadlineMs);
      case 'prospective':
      case 'candidate':
        return r.backoffUntilMs ?? Math.min(next, r.electionDeadlineMs);
      case 'follower':
        return Math.min(next, r.fetchDeadlineMs, r.electionAtMs ?? Infinity);
      case 'resigned':
        return Math.min(next, r.electionDeadlineMs);
      case 'leader':
        if (c.log.durableEndOffset < c.log.endOffset || r.resignRequested) return c.nowMs;
        for (const p of r.parked.values()) next = Math.min(next, p.deadlineMs);
        return Math.min(next, r.checkQuorumDeadlineMs);
    }
  }

  describeQuorum(): DescribeQuorumData {
    const c = this.c;
    const leader = c.role.kind === 'leader' ? c.role : undefined;
    const base = { leaderId: leader ? c.localId : c.election.leaderId, leaderEpoch: c.election.epoch, highWatermark: c.highWatermark ?? -1 };
    if (leader === undefined) return { ...base, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, currentVoters: [], observers: [] };
    clearInactiveObservers(c, leader);
    const observers = [...leader.observers].sort(([a], [b]) => a - b).map(([replicaId, o]) => ({ replicaId, logEndOffset: o.endOffset, lastFetchTimestamp: o.lastFetchMs, lastCaughtUpTimestamp: o.lastCaughtUpMs }));
    const currentVoters = c.voters.map((v) => {
      const p = leader.progress.get(v);
      if (v === c.localId) return { replicaId: v, logEndOffset: c.log.endOffset, lastFetchTimestamp: c.nowMs, lastCaughtUpTimestamp: c.nowMs };
      return { replicaId: v, logEndOffset: p?.endOffset ?? -1, lastFetchTimestamp: p?.lastFetchMs ?? -1, lastCaughtUpTimestamp: p?.lastCaughtUpMs ?? -1 };
    });
    return { ...base, errorCode: ErrorCode.NONE, currentVoters, observers };
  }

  // Read-only views for drivers and checkers.
  get role(): Role['kind'] {
    return this.c.role.kind;
  }
  /** Not a voter: replicates only (Kafka's observer). */
  get isObserver(): boolean {
    return this.c.observer;
  }
  get epoch(): number {
    return this.c.election.epoch;
  }
  get leaderId(): NodeId {
    return this.c.role.kind === 'leader' || this.c.role.kind === 'follower' ? this.c.election.leaderId : NO_NODE;
  }
  /** The voter this node voted for in the current epoch, or -1. */
  get votedId(): NodeId {
    return this.c.election.votedId;
  }
  /** The voter set in force (ids): the static voters, or the log's latest VotersRecord (KIP-853). */
  get voters(): readonly NodeId[] {
    return this.c.voters;
  }
  get voterSet(): readonly ReplicaKey[] {
    return this.c.history.latest();
  }
  /** The voter set in force for the entry at `offset` (what a snapshot ending after it holds). */
  votersAt(offset: number): readonly ReplicaKey[] {
    return this.c.history.at(offset);
  }
  /** kraft.version: 0 static voters, 1 voters in the log. */
  get kraftVersion(): 0 | 1 {
    return this.c.history.kraftVersion;
  }
  get highWatermark(): number | undefined {
    return this.c.highWatermark;
  }
  get logStartOffset(): number {
    return this.c.log.startOffset;
  }
  get logEndOffset(): number {
    return this.c.log.endOffset;
  }
  get snapshotId(): OffsetAndEpoch | undefined {
    return this.c.log.snapshotId;
  }
  epochOf(offset: number): number | undefined {
    return this.c.log.epochOf(offset);
  }
}
