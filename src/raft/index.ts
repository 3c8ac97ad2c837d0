/** The public surface of src/raft/: the core, its inputs/outputs, messages and the quorum-state file. */
export { RaftCore, type RaftCoreParams, type DescribeQuorumData, type ReplicaDescription } from './raft-core.js';
export type { RaftLogReader } from './core-context.js';
export type { RaftInput, RaftOutput, ProposalResult } from './steps.js';
export type * from './messages.js';
export { raftConfig, DEFAULT_RAFT_CONFIG, type RaftConfig } from './config.js';
export { encodeQuorumState, decodeQuorumState, type ElectionState } from './quorum-state-file.js';
export { epochStartsOf, type RecoveredLog, type EpochStart } from './log-view.js';
export { NO_NODE, RaftInvariantError, type Entry, type NodeId, type OffsetAndEpoch } from './types.js';
export { votersChangesOf } from './log-view.js';
export { VoterSetHistory, sameKey, type ReplicaKey, type KRaftVersion, type VotersChange } from './voter-set.js';
