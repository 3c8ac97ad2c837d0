/**
 * What the rest of the node may ask the metadata quorum: its state, as DescribeQuorum and
 * raft-metrics report it, and the answer to a quorum request another voter sent (Vote,
 * BeginQuorumEpoch, EndQuorumEpoch, Fetch and FetchSnapshot of `__cluster_metadata-0`).
 */
import type { DescribeQuorumData } from '../raft/index.js';
import type { RaftState } from '../metrics/broker-state.js';
import type { ReplicaKey } from '../raft/index.js';
import type { WireRequest, WireResponse } from './raft-wire.js';
import type { VoterEndpoint, VoterWithEndpoints } from './metadata-log-entries.js';

export type { DescribeQuorumData, RaftState, ReplicaKey, VoterEndpoint, VoterWithEndpoints };

/** An answer to AddRaftVoter / RemoveRaftVoter: Kafka's error code (NONE once the change committed). */
export interface VoterChangeAnswer {
  readonly errorCode: number;
  readonly errorMessage?: string;
}

export interface MetadataQuorum {
  describeQuorum(): DescribeQuorumData;
  raftState(): RaftState;
  /**
   * Answers an inbound quorum request (its correlation id from the request header); rejects when
   * this node takes none (not a voter, closed) or the body does not name the one partition.
   */
  handleRequest(request: WireRequest, correlationId: number): Promise<WireResponse>;
  /** KIP-853 (kraft.version 1): the voter set in force with each voter's listeners; undefined with static voters. */
  voterSet?(): readonly VoterWithEndpoints[] | undefined;
  /** KIP-853 AddRaftVoter, on the quorum's leader; resolves once the new voter set committed or with Kafka's error. */
  addVoter?(voter: ReplicaKey, endpoints: readonly VoterEndpoint[]): Promise<VoterChangeAnswer>;
  /** KIP-853 RemoveRaftVoter, on the quorum's leader. */
  removeVoter?(voter: ReplicaKey): Promise<VoterChangeAnswer>;
}
