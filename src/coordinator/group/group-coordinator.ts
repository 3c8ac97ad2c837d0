/**
 * The classic consumer-group coordinator (Kafka's GroupCoordinator + GroupMetadataManager, 3.x
 * semantics): it owns the `__consumer_offsets` partitions this node leads, one CoordinatorShard
 * each, and serves FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
 * OffsetFetch, OffsetDelete, DescribeGroups, ListGroups and DeleteGroups on them.
 *
 * State machine: Empty → PreparingRebalance → CompletingRebalance → Stable, and Dead for a deleted
 * group. A rebalance out of Empty waits group.initial.rebalance.delay.ms (extended while new
 * members keep arriving, up to the rebalance timeout); later rebalances complete as soon as every
 * member has rejoined, or at the rebalance timeout, when the members that did not rejoin are
 * removed. A member that neither heartbeats nor waits in a JoinGroup/SyncGroup for its session
 * timeout is removed. Members that join but never SyncGroup are removed after the rebalance timeout.
 *
 * Persistence: the leader's SyncGroup, a group becoming Empty, and a static member's replacement
 * write a GroupMetadata record; OffsetCommit writes one OffsetCommit record per partition; deletes
 * and expiry write tombstones. Responses that depend on a write are sent once it is durable and
 * replayed. Every timer goes through the Clock.
 *
 * Leadership (a cluster): a partition is served from `hostPartition` (this node became its leader,
 * Kafka's onElection) to `resignPartition` (Kafka's onResignation). Resigning drops the shard's
 * groups: members parked in JoinGroup/SyncGroup and writes in flight hear NOT_COORDINATOR, every
 * timer of those groups stops, and later requests for them get NOT_COORDINATOR (the client finds
 * the new coordinator). Hosting the partition again at a newer leader epoch loads it afresh from
 * the log (another leader may have written in between); the same or an older epoch is ignored.
 */
import type { Clock, Timer } from '../../io/clock.js';
import type { Logger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { Reader } from '../../protocol/codec/reader.js';
import { decodeConsumerProtocolSubscription, consumerProtocolSubscriptionMeta } from '../../protocol/generated/messages/consumer-protocol-subscription.js';
import type { GroupMetadataValue } from '../../protocol/generated/internal/group-metadata-value.js';
import { coordinatorErrorCode, CoordinatorShard, NotCoordinatorError, type CoordinatorLog, type CoordinatorRecord } from '../runtime.js';
import { storageErrorCode } from '../../partition/storage-error-codes.js';
import { ALL_STATES, ClassicGroup, Member, type GroupState, type JoinResult, type Protocol, type SyncResult } from './classic-group.js';
import { GroupShardState } from './group-shard.js';
import { groupMetadataRecord, offsetCommitRecord, offsetsPartitionFor, type OffsetAndMetadata } from './records.js';

export type { JoinResult, SyncResult, GroupState } from './classic-group.js';

export const UNKNOWN_MEMBER_ID = '';
/** Kafka's GroupCoordinator.NewMemberJoinTimeoutMs. */
const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface GroupConfig {
  readonly offsetsTopicNumPartitions: number;
  readonly initialRebalanceDelayMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly maxSize: number;
  /** offsets.retention.minutes in ms. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes */
  readonly offsetMetadataMaxBytes: number;
}

export interface GroupCoordinatorDeps {
  readonly config: GroupConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly nodeId: number;
  /** The broker leading a partition of the internal topic now (-1: none); absent, this node leads them all. */
  readonly leaderOf?: (partitionId: number) => number;
  newUuid(): string;
  /** Whether __consumer_offsets exists in the metadata image. */
  offsetsTopicExists(): boolean;
  /** Creates __consumer_offsets through the controller; resolves once its partitions are hosted. */
  createOffsetsTopic(): Promise<void>;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly Protocol[];
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED (KIP-394). */
  requireKnownMemberId: boolean;
  reason: string | null;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: readonly { memberId: string; assignment: Buffer }[];
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface CommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** -1: the broker's retention (v5+ always). */
  retentionTimeMs: number;
  partitions: readonly { topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null; commitTimestampMs: number }[];
}

export interface FetchedPartition {
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchResult {
  errorCode: number;
  topics: { topic: string; partitions: FetchedPartition[] }[];
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocolData: string;
  members: { memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

type Located = { errorCode: number; shard?: undefined } | { errorCode: typeof ErrorCode.NONE; shard: CoordinatorShard<GroupShardState> };

function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leaderId: '', skipAssignment: false, members: [] };
}

function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupCoordinator {
  private readonly shards = new Map<number, CoordinatorShard<GroupShardState>>();
  /** The leader epoch each hosted partition was hosted at. */
  private readonly epochs = new Map<number, number>();
  private creating: Promise<void> | null = null;
  private expiryTimer: Timer | null = null;
  private closed = false;

  constructor(private readonly deps: GroupCoordinatorDeps) {
    this.scheduleExpiry();
  }

  private get config(): GroupConfig {
    return this.deps.config;
  }

  /** A write to __consumer_offsets failed: returns the client's error (coordinatorErrorCode). */
  private storeFailed(what: string, e: unknown, tooLarge?: number): number {
    const code = coordinatorErrorCode(e, tooLarge);
    if (code !== ErrorCode.NOT_COORDINATOR) this.deps.logger.warn(`group coordinator: ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    return code;
  }

  private now(): number {
    return this.deps.clock.nowMs();
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.config.offsetsTopicNumPartitions);
  }

  // ---------------------------------------------------------------------------------------------
  // Partitions and loading

  /**
   * This node leads `__consumer_offsets` partition `partitionId` at `leaderEpoch`: load it and serve
   * its groups. Already hosted at this epoch or a newer one: nothing to do; at an older one (or
   * its load failed): dropped and loaded afresh.
   */
  hostPartition(partitionId: number, log: CoordinatorLog, leaderEpoch = 0): void {
    if (this.closed) return;
    const current = this.shards.get(partitionId);
    if (current !== undefined) {
      if (current.status !== 'failed' && leaderEpoch <= (this.epochs.get(partitionId) ?? -1)) return;
      this.unload(partitionId, current);
    }
    this.epochs.set(partitionId, leaderEpoch);
    const state = new GroupShardState(
      () => this.now(),
      (g) => this.stopGroupTimers(g),
      (groups) => {
        for (const g of groups) for (const m of g.members.values()) this.scheduleSession(g, m, m.sessionTimeoutMs);
      },
    );
    this.shards.set(partitionId, new CoordinatorShard(partitionId, state, log, this.deps.clock, this.deps.logger, `group coordinator __consumer_offsets-${partitionId}`));
  }

  /**
   * This node no longer leads `__consumer_offsets` partition `partitionId` (Kafka's onResignation):
   * its groups are dropped. `leaderEpoch`, when known, is the epoch that ended: a resignation older
   * than the hosting in force is ignored (a late notice of an earlier leadership).
   */
  resignPartition(partitionId: number, leaderEpoch?: number): void {
    const shard = this.shards.get(partitionId);
    if (shard === undefined) return;
    if (leaderEpoch !== undefined && leaderEpoch < (this.epochs.get(partitionId) ?? -1)) return;
    this.unload(partitionId, shard);
  }

  /** The partitions hosted here (those this node leads, loading or loaded). */
  hostedPartitions(): number[] {
    return [...this.shards.keys()].sort((a, b) => a - b);
  }

  /** Kafka's removeGroupsForPartition + onGroupUnloaded: every group Dead, parked requests answered. */
  private unload(partitionId: number, shard: CoordinatorShard<GroupShardState>): void {
    this.shards.delete(partitionId);
    this.epochs.delete(partitionId);
    shard.close();
    for (const group of shard.state.groups.values()) {
      this.stopGroupTimers(group);
      group.state = 'Dead';
      for (const m of group.members.values()) {
        const join = m.awaitingJoin;
        const sync = m.awaitingSync;
        if (join !== null) group.setJoinCallback(m, null);
        m.awaitingSync = null;
        join?.(joinError(m.memberId, ErrorCode.NOT_COORDINATOR));
        sync?.(syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
    shard.state.groups.clear();
    shard.state.pendingTxnOffsets.clear();
    this.deps.logger.info(`group coordinator: resigned __consumer_offsets-${partitionId}`);
  }

  /** Resolves once every hosted partition has finished loading. */
  async whenLoaded(): Promise<void> {
    await Promise.all([...this.shards.values()].map((s) => s.whenLoaded()));
  }

  close(): void {
    this.closed = true;
    this.expiryTimer?.cancel();
    for (const shard of this.shards.values()) {
      shard.close();
      for (const g of shard.state.groups.values()) this.stopGroupTimers(g);
    }
  }

  private locate(groupId: string): Located {
    const shard = this.shards.get(this.partitionFor(groupId));
    if (shard === undefined) return { errorCode: ErrorCode.NOT_COORDINATOR };
    if (shard.status === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS };
    if (shard.status !== 'active') return { errorCode: ErrorCode.NOT_COORDINATOR };
    return { errorCode: ErrorCode.NONE, shard };
  }

  /**
   * FindCoordinator for a group: the leader of its `__consumer_offsets` partition. The topic is
   * created on first use, as Kafka does; COORDINATOR_NOT_AVAILABLE while it cannot be.
   */
  async findCoordinator(groupId: string): Promise<{ errorCode: number; nodeId: number }> {
    if (!this.deps.offsetsTopicExists()) {
      try {
        await (this.creating ??= this.deps.createOffsetsTopic().finally(() => (this.creating = null)));
      } catch (e) {
        this.deps.logger.warn(`creating __consumer_offsets failed: ${e instanceof Error ? e.message : String(e)}`);
        return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 };
      }
    }
    // In a cluster the coordinator is whichever broker leads the key's partition now.
    const leader = this.deps.leaderOf?.(this.partitionFor(groupId)) ?? this.deps.nodeId;
    if (leader !== this.deps.nodeId) return leader < 0 ? { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 } : { errorCode: ErrorCode.NONE, nodeId: leader };
    const shard = this.shards.get(this.partitionFor(groupId));
    if (shard === undefined || shard.status === 'failed' || shard.status === 'closed') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 };
    return { errorCode: ErrorCode.NONE, nodeId: this.deps.nodeId };
  }

  // ---------------------------------------------------------------------------------------------
  // JoinGroup

  joinGroup(req: JoinRequest): Promise<JoinResult> {
    return new Promise<JoinResult>((respond) => {
      if (req.groupId === '') return respond(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
      const at = this.locate(req.groupId);
      if (at.shard === undefined) return respond(joinError(req.memberId, at.errorCode));
      if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
        return respond(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
      }
      const isUnknown = req.memberId === UNKNOWN_MEMBER_ID;
      let group = at.shard.state.groups.get(req.groupId);
      if (group === undefined) {
        if (!isUnknown) return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        group = at.shard.state.getOrCreate(req.groupId);
      }
      if (!this.acceptJoiningMember(group, req.memberId)) return respond(joinError(req.memberId, ErrorCode.GROUP_MAX_SIZE_REACHED));
      if (!group.supportsProtocols(req.protocolType, req.protocols)) return respond(joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      if (isUnknown) this.newMemberJoin(at.shard, group, req, respond);
      else this.currentMemberJoin(group, req, respond);
      if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
    });
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        const m = group.members.get(memberId);
        return (m !== undefined && m.awaitingJoin !== null) || group.awaitingJoinCount < this.config.maxSize;
      }
      default:
        return group.members.has(memberId) || group.members.size < this.config.maxSize;
    }
  }

  private newMemberJoin(shard: CoordinatorShard<GroupShardState>, group: ClassicGroup, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const newMemberId = `${req.clientId}-${this.deps.newUuid()}`;
    if (req.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(req.groupInstanceId);
      if (oldMemberId !== undefined) return this.updateStaticMemberAndRebalance(shard, group, oldMemberId, newMemberId, req, respond);
      return this.addMemberAndRebalance(group, newMemberId, req, respond);
    }
    if (req.requireKnownMemberId) {
      // KIP-394: hand out the id first; the member must come back with it within its session timeout.
      const timer = this.deps.clock.setTimer(req.sessionTimeoutMs, () => this.expirePendingMember(group, newMemberId));
      group.pendingMembers.set(newMemberId, timer);
      return respond(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, newMemberId, req, respond);
  }

  private currentMemberJoin(group: ClassicGroup, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(joinError(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (group.pendingMembers.has(req.memberId)) {
      if (req.groupInstanceId !== null) return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group.pendingMembers.get(req.memberId)?.cancel();
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req, respond);
    }
    const invalid = this.validateCurrentMember(group, req.memberId, req.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return respond(joinError(req.memberId, invalid));
    const member = group.members.get(req.memberId) as Member;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, respond);
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) {
          // The member missed the JoinGroup answer: give it again.
          return respond(this.joinAnswer(group, member.memberId));
        }
        return this.updateMemberAndRebalance(group, member, req, respond);
      case 'Stable':
        if (group.isLeader(member.memberId) || !member.matches(req.protocols)) return this.updateMemberAndRebalance(group, member, req, respond);
        this.scheduleSession(group, member, member.sessionTimeoutMs);
        return respond({ ...this.joinAnswer(group, member.memberId), members: [] });
      case 'Empty':
      case 'Dead':
        return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** Kafka's validateCurrentMember: the instance id (if any) maps to this member id, which exists. */
  private validateCurrentMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId);
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
      return ErrorCode.NONE;
    }
    return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private joinAnswer(group: ClassicGroup, memberId: string): JoinResult {
    const isLeader = group.isLeader(memberId);
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId ?? '',
      skipAssignment: false,
      members: isLeader ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberAndRebalance(group: ClassicGroup, memberId: string, req: JoinRequest, respond: (r: JoinResult) => void): void {
    const member = new Member(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs, req.sessionTimeoutMs, req.protocolType, req.protocols);
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, respond);
    this.scheduleSession(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(group, `adding new member ${memberId}${req.reason !== null ? ` (${req.reason})` : ''}`);
  }

  private updateMemberAndRebalance(group: ClassicGroup, member: Member, req: JoinRequest, respond: (r: JoinResult) => void): void {
    this.answerParkedJoin(group, member, ErrorCode.REBALANCE_IN_PROGRESS);
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    group.setJoinCallback(member, respond);
    this.maybePrepareRebalance(group, `updating metadata for member ${member.memberId}${req.reason !== null ? ` (${req.reason})` : ''}`);
  }

  /** KIP-345: a static member rejoining with a new member id replaces the old one. */
  private updateStaticMemberAndRebalance(shard: CoordinatorShard<GroupShardState>, group: ClassicGroup, oldMemberId: string, newMemberId: string, req: JoinRequest, respond: (r: JoinResult) => void): void {
    const member = group.members.get(oldMemberId);
    if (member === undefined) return respond(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    const currentLeader = group.leaderId;
    this.deps.logger.info(`group ${group.groupId}: static member ${req.groupInstanceId} rejoins; ${oldMemberId} is replaced by ${newMemberId}`);
    // Fence the old incarnation's parked requests.
    this.answerParkedJoin(group, member, ErrorCode.FENCED_INSTANCE_ID, oldMemberId);
    member.awaitingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    member.awaitingSync = null;
    member.sessionTimer?.cancel();
    group.members.delete(oldMemberId);
    member.memberId = newMemberId;
    group.members.set(newMemberId, member);
    if (group.leaderId === oldMemberId) group.leaderId = newMemberId;
    if (group.pendingSync.delete(oldMemberId)) group.pendingSync.add(newMemberId);
    group.staticMembers.set(req.groupInstanceId as string, newMemberId);
    member.protocols = req.protocols;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    this.scheduleSession(group, member, member.sessionTimeoutMs);
    switch (group.state) {
      case 'Stable': {
        if (group.protocolName !== null && group.selectProtocol() === group.protocolName) {
          // Nothing changes for the others: persist the new member id and hand back the current generation.
          const generation = group.generationId;
          this.storeGroup(shard, group, new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]))).then(
            () => {
              const isLeader = group.isLeader(newMemberId);
              respond({
                errorCode: ErrorCode.NONE,
                memberId: newMemberId,
                generationId: generation,
                protocolType: group.protocolType,
                protocolName: group.protocolName,
                leaderId: currentLeader === oldMemberId ? newMemberId : (currentLeader ?? ''),
                skipAssignment: isLeader,
                members: isLeader ? group.currentMemberMetadata() : [],
              });
            },
            (e: unknown) => respond(joinError(newMemberId, coordinatorErrorCode(e))),
          );
          return;
        }
        member.protocols = req.protocols;
        group.setJoinCallback(member, respond);
        return this.maybePrepareRebalance(group, `static member ${newMemberId} (${req.groupInstanceId}) joined with a change of protocol`);
      }
      case 'CompletingRebalance':
        group.setJoinCallback(member, respond);
        return this.prepareRebalance(group, `updating metadata for static member ${newMemberId} (${req.groupInstanceId})`);
      case 'PreparingRebalance':
        group.setJoinCallback(member, respond);
        return;
      default:
        return respond(joinError(newMemberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private answerParkedJoin(group: ClassicGroup, member: Member, errorCode: number, memberId = member.memberId): void {
    const parked = member.awaitingJoin;
    if (parked === null) return;
    group.setJoinCallback(member, null);
    parked(joinError(memberId, errorCode));
  }

  private expirePendingMember(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private maybePrepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.syncTimer?.cancel();
    group.syncTimer = null;
    group.pendingSync.clear();
    group.joinTimer?.cancel();
    const initial = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now());
    this.deps.logger.info(`group ${group.groupId}: preparing to rebalance in generation ${group.generationId} (${reason})`);
    if (initial) {
      group.newMemberAdded = false;
      const delay = this.config.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      group.joinTimerKind = 'rebalance';
      const generation = group.generationId;
      group.joinTimer = this.deps.clock.setTimer(group.rebalanceTimeoutMs(), () => {
        if (group.is('PreparingRebalance') && group.generationId === generation) this.completeJoin(group);
      });
      // Kafka's DelayedJoin is tried at once: e.g. the last member leaving empties the group now.
      this.tryCompleteJoin(group);
    }
  }

  /** Kafka's InitialDelayedJoin: wait, and keep waiting while new members arrive, up to the rebalance timeout. */
  private scheduleInitialJoin(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    group.joinTimerKind = 'initial';
    group.joinTimer = this.deps.clock.setTimer(delayMs, () => {
      if (!group.is('PreparingRebalance')) return;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.config.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, Math.max(remainingMs - next, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  private tryCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && group.joinTimerKind === 'rebalance' && group.hasAllMembersJoined()) this.completeJoin(group);
  }

  /** Kafka's onCompleteJoin: drop who did not rejoin, start the next generation, answer every parked join. */
  private completeJoin(group: ClassicGroup): void {
    group.joinTimer?.cancel();
    group.joinTimer = null;
    group.joinTimerKind = null;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null) {
        this.deps.logger.info(`group ${group.groupId}: removing member ${m.memberId}, which did not rejoin within the rebalance timeout`);
        this.removeMember(group, m);
      }
    }
    if (group.is('Dead')) return;
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value ?? null;
    const shard = this.shards.get(this.partitionFor(group.groupId));
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.transitionTo('Empty', this.now());
      this.deps.logger.info(`group ${group.groupId} with generation ${group.generationId} is now empty`);
      if (shard !== undefined) this.storeGroup(shard, group, new Map()).catch((e: unknown) => this.storeFailed(`storing empty group ${group.groupId}`, e));
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo('CompletingRebalance', this.now());
    this.deps.logger.info(`group ${group.groupId}: generation ${group.generationId} (${group.protocolName}) with ${group.members.size} member(s), leader ${group.leaderId}`);
    for (const m of group.members.values()) {
      const parked = m.awaitingJoin;
      group.setJoinCallback(m, null);
      group.pendingSync.add(m.memberId);
      m.isNew = false;
      this.scheduleSession(group, m, m.sessionTimeoutMs);
      parked?.(this.joinAnswer(group, m.memberId));
    }
    this.schedulePendingSync(group);
  }

  /** Members that joined but do not SyncGroup within the rebalance timeout are removed. */
  private schedulePendingSync(group: ClassicGroup): void {
    group.syncTimer?.cancel();
    const generation = group.generationId;
    group.syncTimer = this.deps.clock.setTimer(group.rebalanceTimeoutMs(), () => {
      group.syncTimer = null;
      if (group.generationId !== generation || !(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSync.size === 0) return;
      for (const id of [...group.pendingSync]) {
        const m = group.members.get(id);
        this.deps.logger.info(`group ${group.groupId}: removing member ${id}, which did not sync within the rebalance timeout`);
        if (m !== undefined) this.removeMember(group, m);
      }
      this.maybePrepareRebalance(group, 'members failed to sync');
    });
  }

  private resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = Buffer.alloc(0);
      const parked = m.awaitingSync;
      m.awaitingSync = null;
      parked?.(syncError(errorCode));
    }
  }

  private removeMember(group: ClassicGroup, member: Member): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = null;
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    group.remove(member.memberId);
    join?.(joinError(member.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    sync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: Member, reason: string): void {
    this.deps.logger.info(`group ${group.groupId}: member ${member.memberId} leaves (${reason})`);
    this.removeMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        return this.maybePrepareRebalance(group, `removing member ${member.memberId} (${reason})`);
      case 'PreparingRebalance':
        return this.tryCompleteJoin(group);
      default:
        return;
    }
  }

  private scheduleSession(group: ClassicGroup, member: Member, timeoutMs: number): void {
    member.sessionTimer?.cancel();
    member.sessionTimer = this.deps.clock.setTimer(timeoutMs, () => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      // A member parked in JoinGroup/SyncGroup is alive (Kafka's shouldKeepAlive), unless it is a
      // new member that has waited longer than the new-member join timeout.
      if ((member.awaitingJoin !== null && !member.isNew) || member.awaitingSync !== null) {
        this.scheduleSession(group, member, member.sessionTimeoutMs);
        return;
      }
      this.removeMemberAndUpdateGroup(group, member, 'session timeout expired');
    });
  }

  private stopGroupTimers(group: ClassicGroup): void {
    group.joinTimer?.cancel();
    group.syncTimer?.cancel();
    for (const t of group.pendingMembers.values()) t.cancel();
    for (const m of group.members.values()) m.sessionTimer?.cancel();
  }

  private storeGroup(shard: CoordinatorShard<GroupShardState>, group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): Promise<void> {
    const protocol = group.protocolName;
    const value: GroupMetadataValue = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: BigInt(group.stateTimestampMs),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? Buffer.alloc(0) : m.metadataFor(protocol),
        assignment: assignments.get(m.memberId) ?? Buffer.alloc(0),
      })),
    };
    return shard.write([groupMetadataRecord(group.groupId, value)]).catch((e: unknown) => {
      if (e instanceof NotCoordinatorError) throw e;
      this.deps.logger.error(`group ${group.groupId}: storing group metadata failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // SyncGroup, Heartbeat, LeaveGroup

  syncGroup(req: SyncRequest): Promise<SyncResult> {
    return new Promise<SyncResult>((respond) => {
      const at = this.locate(req.groupId);
      if (at.shard === undefined) return respond(syncError(at.errorCode));
      const group = at.shard.state.groups.get(req.groupId);
      if (group === undefined) return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      if (group.is('Dead')) return respond(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      const invalid = this.validateCurrentMember(group, req.memberId, req.groupInstanceId);
      if (invalid !== ErrorCode.NONE) return respond(syncError(invalid));
      if (req.generationId !== group.generationId) return respond(syncError(ErrorCode.ILLEGAL_GENERATION));
      if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
        return respond(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      }
      const member = group.members.get(req.memberId) as Member;
      switch (group.state) {
        case 'Empty':
          return respond(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
        case 'PreparingRebalance':
          return respond(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        case 'CompletingRebalance': {
          const earlier = member.awaitingSync;
          member.awaitingSync = respond;
          earlier?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
          this.removePendingSync(group, member.memberId);
          this.scheduleSession(group, member, member.sessionTimeoutMs);
          if (group.isLeader(member.memberId)) {
            const assignments = new Map<string, Buffer>();
            for (const a of req.assignments) if (group.members.has(a.memberId)) assignments.set(a.memberId, a.assignment);
            const generation = group.generationId;
            this.storeGroup(at.shard, group, assignments).then(
              () => {
                if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
                for (const m of group.members.values()) {
                  m.assignment = assignments.get(m.memberId) ?? Buffer.alloc(0);
                  const parked = m.awaitingSync;
                  m.awaitingSync = null;
                  parked?.({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
                }
                group.transitionTo('Stable', this.now());
                this.deps.logger.info(`group ${group.groupId}: stable in generation ${generation}`);
              },
              (e: unknown) => {
                if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
                this.resetAndPropagateAssignmentError(group, coordinatorErrorCode(e));
                this.maybePrepareRebalance(group, 'storing the assignment failed');
              },
            );
          }
          return;
        }
        case 'Stable':
          this.removePendingSync(group, member.memberId);
          this.scheduleSession(group, member, member.sessionTimeoutMs);
          return respond({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
      }
    });
  }

  private removePendingSync(group: ClassicGroup, memberId: string): void {
    if (group.pendingSync.delete(memberId) && group.pendingSync.size === 0) {
      group.syncTimer?.cancel();
      group.syncTimer = null;
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const at = this.locate(groupId);
    if (at.shard === undefined) return at.errorCode;
    const group = at.shard.state.groups.get(groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const invalid = this.validateCurrentMember(group, memberId, groupInstanceId);
    if (invalid !== ErrorCode.NONE) return invalid;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.members.get(memberId) as Member;
    switch (group.state) {
      case 'Empty':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.scheduleSession(group, member, member.sessionTimeoutMs);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      default:
        this.scheduleSession(group, member, member.sessionTimeoutMs);
        return ErrorCode.NONE;
    }
  }

  leaveGroup(groupId: string, leaving: readonly MemberIdentity[], reason: string | null): LeaveResult {
    const at = this.locate(groupId);
    if (at.shard === undefined) return { errorCode: at.errorCode, members: [] };
    const group = at.shard.state.groups.get(groupId);
    const answer = (m: MemberIdentity, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    if (group === undefined) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID)) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const why = reason ?? 'the consumer initiated the leave';
    const members = leaving.map((l) => {
      if (l.memberId === UNKNOWN_MEMBER_ID) {
        const current = l.groupInstanceId === null ? undefined : group.staticMembers.get(l.groupInstanceId);
        const m = current === undefined ? undefined : group.members.get(current);
        if (m === undefined) return answer(l, ErrorCode.UNKNOWN_MEMBER_ID);
        this.removeMemberAndUpdateGroup(group, m, why);
        return answer(l, ErrorCode.NONE);
      }
      if (group.pendingMembers.has(l.memberId)) {
        group.pendingMembers.get(l.memberId)?.cancel();
        group.pendingMembers.delete(l.memberId);
        if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
        return answer(l, ErrorCode.NONE);
      }
      const invalid = this.validateCurrentMember(group, l.memberId, l.groupInstanceId);
      if (invalid !== ErrorCode.NONE) return answer(l, invalid);
      this.removeMemberAndUpdateGroup(group, group.members.get(l.memberId) as Member, why);
      return answer(l, ErrorCode.NONE);
    });
    return { errorCode: ErrorCode.NONE, members };
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets

  /** One error code per requested partition, in request order. */
  async commitOffsets(req: CommitRequest): Promise<number[]> {
    const all = (code: number) => req.partitions.map(() => code);
    const at = this.locate(req.groupId);
    if (at.shard === undefined) return all(at.errorCode);
    let group = at.shard.state.groups.get(req.groupId);
    if (group === undefined) {
      // Not using Kafka for membership (admin tools, assign()): allowed; otherwise a stale generation.
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = at.shard.state.getOrCreate(req.groupId);
    }
    const invalid = this.validateOffsetCommit(group, req.generationId, req.memberId, req.groupInstanceId);
    if (invalid !== ErrorCode.NONE) return all(invalid);
    if (group.is('CompletingRebalance')) return all(ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.is('Stable') || group.is('PreparingRebalance')) {
      const member = group.members.get(req.memberId);
      if (member !== undefined) this.scheduleSession(group, member, member.sessionTimeoutMs);
    }
    const now = this.now();
    const records: CoordinatorRecord[] = [];
    const codes = req.partitions.map((p) => {
      const metadata = p.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > this.config.offsetMetadataMaxBytes) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      records.push(offsetCommitRecord(req.groupId, p.topic, p.partition, {
        offset: p.offset,
        leaderEpoch: p.leaderEpoch,
        metadata,
        commitTimestampMs: p.commitTimestampMs >= 0 ? p.commitTimestampMs : now,
        expireTimestampMs: req.retentionTimeMs >= 0 ? now + req.retentionTimeMs : null,
      }));
      return ErrorCode.NONE;
    });
    try {
      await at.shard.write(records);
    } catch (e) {
      const code = this.storeFailed('writing committed offsets', e, ErrorCode.INVALID_COMMIT_OFFSET_SIZE);
      return codes.map((c) => (c === ErrorCode.NONE ? code : c));
    }
    return codes;
  }

  /**
   * TxnOffsetCommit: the offsets are written now, in a transactional batch of the producer, and
   * become the group's committed offsets only when the transaction commits (its marker is written
   * to this partition by the transaction coordinator). A missing group is created (Kafka does);
   * member and generation are checked when given (KIP-447, v3+). One error code per partition.
   */
  async commitTxnOffsets(req: CommitRequest & { producerId: bigint; producerEpoch: number }): Promise<number[]> {
    const all = (code: number) => req.partitions.map(() => code);
    const at = this.locate(req.groupId);
    if (at.shard === undefined) return all(at.errorCode);
    const group = at.shard.state.groups.get(req.groupId) ?? at.shard.state.getOrCreate(req.groupId);
    const invalid = this.validateOffsetCommit(group, req.generationId, req.memberId, req.groupInstanceId, true);
    if (invalid !== ErrorCode.NONE) return all(invalid);
    const now = this.now();
    const records: CoordinatorRecord[] = [];
    const codes = req.partitions.map((p) => {
      const metadata = p.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > this.config.offsetMetadataMaxBytes) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      records.push(offsetCommitRecord(req.groupId, p.topic, p.partition, { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata, commitTimestampMs: now, expireTimestampMs: null }));
      return ErrorCode.NONE;
    });
    try {
      await at.shard.write(records, { producerId: req.producerId, producerEpoch: req.producerEpoch });
    } catch (e) {
      const code = this.storeFailed('writing transactional offsets', e, ErrorCode.INVALID_COMMIT_OFFSET_SIZE);
      return codes.map((c) => (c === ErrorCode.NONE ? code : c));
    }
    return codes;
  }

  /**
   * Writes a transaction marker to `__consumer_offsets` partition `partitionId` (the transaction
   * coordinator completing a transaction that committed offsets): pending transactional offsets of
   * `producerId` there are applied (commit) or dropped (abort) once it is durable.
   */
  async writeTxnMarker(partitionId: number, producerId: bigint, producerEpoch: number, commit: boolean, coordinatorEpoch: number): Promise<number> {
    const shard = this.shards.get(partitionId);
    if (shard === undefined) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (shard.status === 'loading') await shard.whenLoaded();
    if (shard.status !== 'active') return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    try {
      await shard.writeTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch);
      return ErrorCode.NONE;
    } catch (e) {
      // The partition-level answer of WriteTxnMarkers: this replica no longer leads, or replication failed.
      if (e instanceof NotCoordinatorError) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
      this.deps.logger.warn(`transaction marker to __consumer_offsets-${partitionId} failed: ${e instanceof Error ? e.message : String(e)}`);
      return storageErrorCode(e);
    }
  }

  private validateOffsetCommit(group: ClassicGroup, generationId: number, memberId: string, groupInstanceId: string | null, isTransactional = false): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId >= 0 || memberId !== UNKNOWN_MEMBER_ID || groupInstanceId !== null) {
      if (groupInstanceId !== null && group.staticMembers.get(groupInstanceId) !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
      if ((generationId >= 0 || memberId !== UNKNOWN_MEMBER_ID) && !group.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      return ErrorCode.NONE;
    }
    // Only members may commit to a group that has members (a transactional commit without member
    // information may: TxnOffsetCommit before v3 carries none).
    return group.is('Empty') || isTransactional ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** `topics` null: every committed offset of the group. Partitions without a commit get offset -1. */
  async fetchOffsets(groupId: string, topics: readonly { topic: string; partitions: readonly number[] }[] | null, requireStable = false): Promise<FetchResult> {
    const at = this.locate(groupId);
    if (at.shard === undefined) return { errorCode: at.errorCode, topics: [] };
    // Read your writes: a commit answered before this request arrived is visible.
    await at.shard.flushed();
    const group = at.shard.state.groups.get(groupId);
    const state = at.shard.state;
    const one = (topic: string, partition: number): FetchedPartition => {
      // require_stable (KIP-447): an offset an open transaction is about to change is not answered.
      if (requireStable && state.hasPendingTxnOffset(groupId, topic, partition)) return { partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
      const o = group?.offsets.get(topic)?.get(partition);
      return o === undefined
        ? { partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE }
        : { partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
    };
    if (topics === null) {
      const out: FetchResult['topics'] = [];
      for (const [topic, parts] of group?.offsets ?? []) out.push({ topic, partitions: [...parts.keys()].sort((a, b) => a - b).map((p) => one(topic, p)) });
      return { errorCode: ErrorCode.NONE, topics: out };
    }
    return { errorCode: ErrorCode.NONE, topics: topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => one(t.topic, p)) })) };
  }

  /** OffsetDelete (KIP-496): per-partition errors, or a group-level one. */
  async deleteOffsets(groupId: string, topics: readonly { topic: string; partitions: readonly number[] }[]): Promise<{ errorCode: number; topics: { topic: string; partitions: { partition: number; errorCode: number }[] }[] }> {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const at = this.locate(groupId);
    if (at.shard === undefined) return { errorCode: at.errorCode, topics: [] };
    const group = at.shard.state.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    let subscribed: Set<string> | null = null;
    if (!group.is('Empty')) {
      if (group.protocolType !== CONSUMER_PROTOCOL_TYPE) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
      subscribed = this.subscribedTopics(group) ?? new Set(topics.map((t) => t.topic));
    }
    const records: CoordinatorRecord[] = [];
    const out = topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        if (subscribed?.has(t.topic) === true) return { partition: p, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        if (group.offsets.get(t.topic)?.has(p) === true) records.push(offsetCommitRecord(groupId, t.topic, p, null));
        return { partition: p, errorCode: ErrorCode.NONE };
      }),
    }));
    try {
      await at.shard.write(records);
    } catch (e) {
      return { errorCode: this.storeFailed('writing offset deletions', e), topics: [] };
    }
    return { errorCode: ErrorCode.NONE, topics: out };
  }

  /** The topics the members' consumer-protocol subscriptions name, or null if one cannot be read. */
  private subscribedTopics(group: ClassicGroup): Set<string> | null {
    if (group.protocolType !== CONSUMER_PROTOCOL_TYPE || group.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of group.members.values()) {
      try {
        const r = new Reader(m.metadataFor(group.protocolName));
        const version = Math.min(r.readInt16(), consumerProtocolSubscriptionMeta.maxVersion);
        for (const t of decodeConsumerProtocolSubscription(r, version).topics) topics.add(t);
      } catch {
        return null;
      }
    }
    return topics;
  }

  // ---------------------------------------------------------------------------------------------
  // Admin: DescribeGroups, ListGroups, DeleteGroups

  describeGroup(groupId: string): DescribedGroup {
    const dead = (errorCode: number): DescribedGroup => ({ errorCode, groupId, state: 'Dead', protocolType: '', protocolData: '', members: [] });
    const at = this.locate(groupId);
    if (at.shard === undefined) return dead(at.errorCode);
    const group = at.shard.state.groups.get(groupId);
    if (group === undefined) return dead(ErrorCode.NONE);
    const stable = group.is('Stable') && group.protocolName !== null;
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName as string) : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(group.protocolName as string) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** Every group here; errorCode COORDINATOR_LOAD_IN_PROGRESS if a partition is still loading. */
  listGroups(statesFilter: readonly string[]): { errorCode: number; groups: ListedGroup[] } {
    const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
    let errorCode: number = ErrorCode.NONE;
    const groups: ListedGroup[] = [];
    for (const shard of this.shards.values()) {
      if (shard.status === 'loading') errorCode = ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      if (shard.status !== 'active') continue;
      for (const g of shard.state.groups.values()) {
        if (g.is('Dead')) continue;
        if (wanted.size > 0 && !wanted.has(g.state.toLowerCase())) continue;
        groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state });
      }
    }
    return { errorCode, groups };
  }

  /**
   * Every live group this node coordinates, with its member count and committed offsets (what the
   * consumer-lag metrics read; a still-loading partition's groups are left out until loaded).
   */
  groupOffsets(): { groupId: string; members: number; offsets: { topic: string; partition: number; offset: number }[] }[] {
    const out = [];
    for (const shard of this.shards.values()) {
      if (shard.status !== 'active') continue;
      for (const g of shard.state.groups.values()) {
        if (g.is('Dead')) continue;
        const offsets = [];
        for (const [topic, parts] of g.offsets) for (const [partition, o] of parts) offsets.push({ topic, partition, offset: o.offset });
        out.push({ groupId: g.groupId, members: g.members.size, offsets });
      }
    }
    return out;
  }

  static isKnownState(s: string): boolean {
    return ALL_STATES.some((x) => x.toLowerCase() === s.toLowerCase());
  }

  async deleteGroups(groupIds: readonly string[]): Promise<{ groupId: string; errorCode: number }[]> {
    return Promise.all(groupIds.map(async (groupId) => ({ groupId, errorCode: await this.deleteGroup(groupId) })));
  }

  private async deleteGroup(groupId: string): Promise<number> {
    const at = this.locate(groupId);
    if (at.shard === undefined) return at.errorCode;
    const group = at.shard.state.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    try {
      await at.shard.write(this.tombstones(group, null));
      return ErrorCode.NONE;
    } catch (e) {
      return this.storeFailed(`deleting group ${group.groupId}`, e);
    }
  }

  /** Tombstones for the given offsets (all when null) and, when all go, for the group itself. */
  private tombstones(group: ClassicGroup, only: readonly { topic: string; partition: number }[] | null): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    const targets = only ?? [...group.offsets].flatMap(([topic, parts]) => [...parts.keys()].map((partition) => ({ topic, partition })));
    for (const t of targets) records.push(offsetCommitRecord(group.groupId, t.topic, t.partition, null));
    if (only === null) records.push(groupMetadataRecord(group.groupId, null));
    return records;
  }

  /**
   * A deleted topic's committed offsets are removed from every group (Kafka's onPartitionsDeleted):
   * a topic created again under the same name starts with no committed offsets, instead of
   * offsets past its new log end that a consumer would resume from (and read nothing).
   */
  async onTopicDeleted(topic: string): Promise<void> {
    for (const shard of this.shards.values()) {
      if (shard.status !== 'active') continue;
      const records: CoordinatorRecord[] = [];
      for (const group of shard.state.groups.values()) {
        const parts = group.offsets.get(topic);
        if (parts === undefined || group.is('Dead')) continue;
        records.push(...this.tombstones(group, [...parts.keys()].map((partition) => ({ topic, partition }))));
      }
      if (records.length > 0) await shard.write(records).catch((e: unknown) => this.storeFailed(`removing the offsets of deleted topic ${topic}`, e));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Offset retention (offsets.retention.minutes, checked every offsets.retention.check.interval.ms)

  private scheduleExpiry(): void {
    if (this.closed) return;
    this.expiryTimer = this.deps.clock.setTimer(this.config.offsetsRetentionCheckIntervalMs, () => {
      this.expireOffsets().finally(() => this.scheduleExpiry());
    });
  }

  /** Kafka's GroupMetadata.removeExpiredOffsets + cleanupGroupMetadata. Returns the offsets removed. */
  async expireOffsets(): Promise<number> {
    const now = this.now();
    const retention = this.config.offsetsRetentionMs;
    let removed = 0;
    for (const shard of this.shards.values()) {
      if (shard.status !== 'active') continue;
      const records: CoordinatorRecord[] = [];
      for (const group of shard.state.groups.values()) {
        if (group.is('Dead')) continue;
        let base: ((o: OffsetAndMetadata) => number) | null = null;
        let keep = new Set<string>();
        if (group.protocolType !== null && group.is('Empty')) base = () => group.stateTimestampMs;
        else if (group.protocolType === null) base = (o) => o.commitTimestampMs;
        else if (group.protocolType === CONSUMER_PROTOCOL_TYPE && group.is('Stable')) {
          const subscribed = this.subscribedTopics(group);
          if (subscribed !== null) {
            keep = subscribed;
            base = (o) => o.commitTimestampMs;
          }
        }
        if (base === null) continue;
        const expired: { topic: string; partition: number }[] = [];
        let total = 0;
        for (const [topic, parts] of group.offsets) {
          for (const [partition, o] of parts) {
            total++;
            if (keep.has(topic)) continue;
            const gone = o.expireTimestampMs !== null ? now >= o.expireTimestampMs : now - base(o) >= retention;
            if (gone) expired.push({ topic, partition });
          }
        }
        const allGone = group.is('Empty') && expired.length === total;
        if (expired.length === 0 && !allGone) continue;
        removed += expired.length;
        records.push(...this.tombstones(group, allGone ? null : expired));
        if (allGone) this.deps.logger.info(`group ${group.groupId}: empty with no offsets left, removing it`);
      }
      // A failed write leaves the offsets in place; the next retention pass tries again.
      if (records.length > 0) await shard.write(records).catch((e: unknown) => this.storeFailed('writing expired-offset tombstones', e));
    }
    return removed;
  }
}
