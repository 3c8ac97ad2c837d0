/** What the rest of the node may ask the metadata quorum: its state, as DescribeQuorum reports it. */
import type { DescribeQuorumData } from '../raft/index.js';

export type { DescribeQuorumData };

export interface MetadataQuorum {
  describeQuorum(): DescribeQuorumData;
}
