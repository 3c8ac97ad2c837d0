/** What the rest of the node may ask the metadata quorum: its state, as DescribeQuorum and raft-metrics report it. */
import type { DescribeQuorumData } from '../raft/index.js';
import type { RaftState } from '../metrics/broker-state.js';

export type { DescribeQuorumData, RaftState };

export interface MetadataQuorum {
  describeQuorum(): DescribeQuorumData;
  raftState(): RaftState;
}
