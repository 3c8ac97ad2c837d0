/** What the rest of the node may ask the metadata quorum: its state, as DescribeQuorum reports it. */
import type { DescribeQuorumData } from '../raft/index.js';

export type { DescribeQuorumData };

/** Kafka's raft-metrics view: current-state (leader, follower, candidate, prospective, voted, unattached, resigned) and offsets. */
export interface RaftState {
  readonly state: string;
  readonly leaderId: number;
  readonly epoch: number;
  readonly votedId: number;
  readonly highWatermark: number;
  readonly logEndOffset: number;
  readonly logEndEpoch: number;
}

export interface MetadataQuorum {
  describeQuorum(): DescribeQuorumData;
  raftState(): RaftState;
}
