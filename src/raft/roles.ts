/**
 * The role a voter plays in its current epoch (Kafka's EpochState implementations) and the
 * per-role bookkeeping: votes collected, deadlines, the leader's view of every voter.
 */
import type { FetchRequest } from './messages.js';
import type { NodeId, OffsetAndEpoch } from './types.js';

/** No leader known. An observer stays here, fetching from voters, until an answer names one. */
export interface UnattachedRole {
  readonly kind: 'unattached';
  electionDeadlineMs: number;
}

/** Collecting pre-votes (KIP-996) or votes; `backoffUntilMs` is set after a lost round. */
export interface NomineeRole {
  readonly kind: 'prospective' | 'candidate';
  readonly granted: Set<NodeId>;
  readonly rejected: Set<NodeId>;
  electionDeadlineMs: number;
  backoffUntilMs: number | undefined;
  readonly retries: number;
}

export interface FollowerRole {
  readonly kind: 'follower';
  /** No successful fetch answer by then: start an election (an observer: look for the leader among the voters). */
  fetchDeadlineMs: number;
  lastLeaderContactMs: number | undefined;
  /** The leader sent EndQuorumEpoch: stand at this time, and grant pre-votes meanwhile. */
  electionAtMs: number | undefined;
  snapshotFetch: { readonly snapshotId: OffsetAndEpoch; position: number } | undefined;
}

export interface VoterProgress {
  /** The follower's durable log end, as its last valid Fetch said; -1 before one. */
  endOffset: number;
  lastFetchMs: number;
  lastCaughtUpMs: number;
}

export interface LeaderRole {
  readonly kind: 'leader';
  readonly epochStartOffset: number;
  readonly progress: Map<NodeId, VoterProgress>;
  /** Non-voters that fetch (observers): reported by DescribeQuorum, counted toward nothing. */
  readonly observers: Map<NodeId, VoterProgress>;
  /** Fetches with nothing to return yet, answered on new data, a new HW or their deadline. */
  readonly parked: Map<NodeId, { readonly request: FetchRequest; readonly deadlineMs: number }>;
  /** Voters that have not acknowledged BeginQuorumEpoch nor fetched in this epoch. */
  readonly beginPending: Set<NodeId>;
  /** Voters heard from since the check-quorum timer was last reset. */
  readonly fetchedSinceCheck: Set<NodeId>;
  checkQuorumDeadlineMs: number;
  /** KIP-853: the VotersRecord appended and not yet committed, and who asked for it. */
  voterChange: { readonly id: number; readonly offset: number } | undefined;
  /** The leader is no voter and the latest VotersRecord committed: resign at the next poll. */
  resignRequested: boolean;
}

export interface ResignedRole {
  readonly kind: 'resigned';
  electionDeadlineMs: number;
  readonly unacked: Set<NodeId>;
  readonly preferredSuccessors: readonly NodeId[];
}

export type Role = UnattachedRole | NomineeRole | FollowerRole | LeaderRole | ResignedRole;
