/**
 * One classic-protocol group (Kafka's GroupMetadata / ClassicGroup): its state, generation,
 * selected protocol, leader, members (dynamic and static), pending members (KIP-394), and committed
 * offsets. Behaviour lives in group-coordinator.ts; this file holds the data and the rules that
 * only read it (protocol support and selection, who has joined).
 *
 * Invariants: every static member's instance id maps to exactly one member id in `members`; the
 * leader, when set, is a member; `awaitingJoinCount` counts members with a parked JoinGroup.
 */
import type { Timer } from '../../io/clock.js';
import type { OffsetAndMetadata } from './records.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const ALL_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export interface Protocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  skipAssignment: boolean;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export class Member {
  awaitingJoin: ((r: JoinResult) => void) | null = null;
  awaitingSync: ((r: SyncResult) => void) | null = null;
  sessionTimer: Timer | null = null;
  assignment: Buffer = Buffer.alloc(0);
  isNew = false;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: readonly Protocol[],
  ) {}

  metadataFor(protocol: string): Buffer {
    const p = this.protocols.find((x) => x.name === protocol);
    if (p === undefined) throw new Error(`member ${this.memberId} does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** Same protocols with the same metadata, in the same order (Kafka's MemberMetadata.matches). */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]?.name && p.metadata.equals(this.protocols[i]?.metadata ?? Buffer.alloc(0)));
  }
}

export class ClassicGroup {
  state: GroupState = 'Empty';
  stateTimestampMs: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry. */
  readonly pendingMembers = new Map<string, Timer>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  awaitingJoinCount = 0;
  newMemberAdded = false;
  joinTimer: Timer | null = null;
  joinTimerKind: 'initial' | 'rebalance' | null = null;
  syncTimer: Timer | null = null;
  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, OffsetAndMetadata>>();

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.stateTimestampMs = nowMs;
  }

  transitionTo(state: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) throw new Error(`group ${this.groupId}: illegal transition ${this.state} -> ${state}`);
    this.state = state;
    this.stateTimestampMs = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0;
  }

  /** Adds a new member; the first member becomes the leader. */
  add(member: Member, onJoin: ((r: JoinResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    this.setJoinCallback(member, onJoin);
  }

  setJoinCallback(member: Member, onJoin: ((r: JoinResult) => void) | null): void {
    if (onJoin !== null && member.awaitingJoin === null) this.awaitingJoinCount++;
    else if (onJoin === null && member.awaitingJoin !== null) this.awaitingJoinCount--;
    member.awaitingJoin = onJoin;
  }

  remove(memberId: string): Member | undefined {
    const member = this.members.get(memberId);
    if (member === undefined) return undefined;
    this.members.delete(memberId);
    if (member.awaitingJoin !== null) this.awaitingJoinCount--;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) this.staticMembers.delete(member.groupInstanceId);
    this.pendingSync.delete(memberId);
    if (this.leaderId === memberId) {
      const next = [...this.members.values()].find((m) => m.awaitingJoin !== null) ?? this.members.values().next().value;
      this.leaderId = next?.memberId ?? null;
    }
    return member;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingMembers.size === 0;
  }

  /** Kafka's GroupMetadata.supportsProtocols. */
  supportsProtocols(protocolType: string, protocols: readonly Protocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const counts = this.protocolCounts();
    return protocols.some((p) => counts.get(p.name) === this.members.size);
  }

  private protocolCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) for (const p of m.protocols) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    return counts;
  }

  /**
   * Kafka's selectProtocol: among the protocols every member supports, each member votes for the
   * first of its own list; the most votes wins (ties: the earliest candidate in the leader's order).
   */
  selectProtocol(): string {
    const counts = this.protocolCounts();
    const candidates = [...counts.entries()].filter(([, n]) => n === this.members.size).map(([name]) => name);
    if (candidates.length === 0) throw new Error(`group ${this.groupId}: no protocol supported by every member`);
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => votes.has(p.name));
      if (choice !== undefined) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = candidates[0] as string;
    for (const c of candidates) if ((votes.get(c) ?? 0) > (votes.get(best) ?? 0)) best = c;
    return best;
  }

  currentMemberMetadata(): JoinResult['members'] {
    const protocol = this.protocolName;
    if (protocol === null) return [];
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }));
  }

  /** The largest rebalance timeout of any member (Kafka's GroupMetadata.rebalanceTimeoutMs). */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }
}
