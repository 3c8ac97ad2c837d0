/**
 * The quorum RPCs the core sends and receives, with the fields of Kafka's Vote (with KIP-996's
 * PreVote), BeginQuorumEpoch, EndQuorumEpoch, Fetch and FetchSnapshot schemas that a single
 * static-voter partition needs (no topic/partition nesting, no directory ids, no endpoints).
 * The driver maps them to and from the wire. `correlationId` is the request header's: a response
 * echoes it, and the core drops responses it is not waiting for (Kafka's RequestManager).
 */
import type { Entry, NodeId, OffsetAndEpoch } from './types.js';

export interface VoteRequest {
  readonly kind: 'VoteRequest';
  readonly correlationId: number;
  /** The candidate's bumped epoch; for a pre-vote, the prospective's current (not bumped) epoch. */
  readonly candidateEpoch: number;
  readonly candidateId: NodeId;
  readonly lastOffsetEpoch: number;
  /** The candidate's log end offset. */
  readonly lastOffset: number;
  readonly preVote: boolean;
}

export interface VoteResponse {
  readonly kind: 'VoteResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
  readonly voteGranted: boolean;
}

export interface BeginQuorumEpochRequest {
  readonly kind: 'BeginQuorumEpochRequest';
  readonly correlationId: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
}

export interface BeginQuorumEpochResponse {
  readonly kind: 'BeginQuorumEpochResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
}

export interface EndQuorumEpochRequest {
  readonly kind: 'EndQuorumEpochRequest';
  readonly correlationId: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
  /** Voters in the order they should stand, most caught up first. */
  readonly preferredSuccessors: readonly NodeId[];
}

export interface EndQuorumEpochResponse {
  readonly kind: 'EndQuorumEpochResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
}

export interface FetchRequest {
  readonly kind: 'FetchRequest';
  readonly correlationId: number;
  readonly replicaId: NodeId;
  readonly currentLeaderEpoch: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
}

export interface FetchResponse {
  readonly kind: 'FetchResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  /** Set when the follower's log diverges: truncate to at most this epoch's end offset. */
  readonly divergingEpoch?: OffsetAndEpoch;
  /** Set when fetchOffset is before the log start: pull this snapshot with FetchSnapshot. */
  readonly snapshotId?: OffsetAndEpoch;
  readonly records: readonly Entry[];
}

export interface FetchSnapshotRequest {
  readonly kind: 'FetchSnapshotRequest';
  readonly correlationId: number;
  readonly replicaId: NodeId;
  readonly currentLeaderEpoch: number;
  readonly snapshotId: OffsetAndEpoch;
  readonly position: number;
}

export interface FetchSnapshotResponse {
  readonly kind: 'FetchSnapshotResponse';
  readonly correlationId: number;
  readonly errorCode: number;
  readonly leaderId: NodeId;
  readonly leaderEpoch: number;
  readonly snapshotId: OffsetAndEpoch;
  readonly size: number;
  readonly position: number;
  readonly unalignedRecords: Uint8Array;
}

export type RaftRequest = VoteRequest | BeginQuorumEpochRequest | EndQuorumEpochRequest | FetchRequest | FetchSnapshotRequest;
export type RaftResponse = VoteResponse | BeginQuorumEpochResponse | EndQuorumEpochResponse | FetchResponse | FetchSnapshotResponse;
export type RaftMessage = RaftRequest | RaftResponse;

export function isRequest(m: RaftMessage): m is RaftRequest {
  return m.kind.endsWith('Request');
}
