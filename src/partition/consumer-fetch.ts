/**
 * A consumer's fetch of one partition hosted here (Kafka's ReplicaManager.readFromLog for a
 * consumer, with Partition.fetchRecords), leader or follower (KIP-392).
 *
 * A consumer that cannot be told of a preferred read replica (Fetch below v11) reads from the
 * leader only: a follower answers NOT_LEADER_OR_FOLLOWER (Kafka's fetchOnlyLeader). From v11 any
 * replica serves it, each bounded by its own high watermark (read_uncommitted) or last stable
 * offset (read_committed): a follower's HW is the leader's as its last fetch response told,
 * never past its own LEO, so a consumer never sees there what the leader has not committed. A
 * fetch offset past that replica's LEO, or below its log start, is OFFSET_OUT_OF_RANGE (a client
 * reading from a follower then drops the preferred replica and asks the leader again); one between
 * the HW and the LEO reads nothing yet.
 *
 * The leader, when a replica selector is configured and picks a follower for the client's rack,
 * answers with that preferred_read_replica, no records, and its own HW, LSO and log start.
 * The current leader epoch, when given, must be this replica's (FENCED_LEADER_EPOCH /
 * UNKNOWN_LEADER_EPOCH), on a follower as on the leader.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { leaderEpochError } from './leader-epoch-check.js';
import type { Partition, PartitionRead } from './partition.js';
import { preferredReadReplica, type ReplicaSelection } from './replica-selector.js';

export interface ConsumerFetch {
  readonly fetchOffset: number;
  readonly maxBytes: number;
  readonly minOneMessage: boolean;
  readonly readCommitted: boolean;
  readonly currentLeaderEpoch: number | undefined;
  /** Whether followers may serve this fetch (Fetch v11+: the client knows preferred replicas). */
  readonly fromAnyReplica: boolean;
  /** The leader's replica selection, when replica.selector.class is set and the client sent v11+. */
  readonly selection: ReplicaSelection | null;
}

export type ConsumerFetchResult =
  | { kind: 'error'; errorCode: number }
  | { kind: 'preferredReplica'; replicaId: number; highWatermark: number; lastStableOffset: number; logStartOffset: number }
  | { kind: 'read'; read: PartitionRead };

export async function fetchForConsumer(p: Partition, f: ConsumerFetch): Promise<ConsumerFetchResult> {
  if (!p.isLeader && !f.fromAnyReplica) return { kind: 'error', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
  const epochError = leaderEpochError(f.currentLeaderEpoch, p.leaderEpoch);
  if (epochError !== ErrorCode.NONE) return { kind: 'error', errorCode: epochError };
  const leadership = p.leadership;
  if (leadership !== null && f.selection !== null) {
    const preferred = preferredReadReplica(leadership, p.leaderId, p.logEndOffset, f.fetchOffset, f.selection);
    if (preferred !== null) {
      return { kind: 'preferredReplica', replicaId: preferred, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, logStartOffset: p.logStartOffset };
    }
  }
  return { kind: 'read', read: await p.read(f.fetchOffset, f.maxBytes, f.minOneMessage, f.readCommitted ? 'txnCommitted' : 'highWatermark') };
}
