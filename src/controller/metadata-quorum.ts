/**
 * What the rest of the node may ask the metadata quorum: its state, as DescribeQuorum and
 * raft-metrics report it, and the answer to a quorum request another voter sent (Vote,
 * BeginQuorumEpoch, EndQuorumEpoch, Fetch and FetchSnapshot of `__cluster_metadata-0`).
 */
import type { DescribeQuorumData } from '../raft/index.js';
import type { RaftState } from '../metrics/broker-state.js';
import type { WireRequest, WireResponse } from './raft-wire.js';

export type { DescribeQuorumData, RaftState };

export interface MetadataQuorum {
  describeQuorum(): DescribeQuorumData;
  raftState(): RaftState;
  /**
   * Answers an inbound quorum request (its correlation id from the request header); rejects when
   * this node takes none (not a voter, closed) or the body does not name the one partition.
   */
  handleRequest(request: WireRequest, correlationId: number): Promise<WireResponse>;
}
