/**
 * The Raft core's value types: node ids, (offset, epoch) pairs and log entries. Entries are
 * opaque bytes to the core; only the leader's own LeaderChange control entry (appended at the
 * start of every epoch, as KafkaRaftClient does) is marked so the driver can encode it as a
 * control batch.
 */

/** A voter's node id (Kafka's replica id / controller node.id). */
export type NodeId = number;

/** Kafka's ReplicaKey (KIP-853): a node id and the directory id of its metadata log directory. */
export interface ReplicaKey {
  readonly id: NodeId;
  /** The metadata.log.dir's directory.id (Kafka's Uuid, base64); '' when unknown (kraft.version 0). */
  readonly directoryId: string;
}

/** Kafka's sentinel for "no leader" / "not voted" in quorum-state and responses. */
export const NO_NODE = -1;

/** Kafka's OffsetAndEpoch; as a snapshot id, `endOffset` is exclusive (first offset after it). */
export interface OffsetAndEpoch {
  readonly endOffset: number;
  readonly epoch: number;
}

export interface Entry {
  readonly offset: number;
  readonly epoch: number;
  /**
   * Control entries: 'leaderChange', a new leader's entry at its epoch start offset; 'voters', a
   * KIP-853 VotersRecord (the new voter set, in `voters`); 'kraftVersion', a KRaftVersionRecord
   * read from a log (kept as is: the core takes kraft.version from the recovered log).
   */
  readonly control?: 'leaderChange' | 'voters' | 'kraftVersion';
  /** The VotersRecord's voter set (only with control 'voters'). */
  readonly voters?: readonly ReplicaKey[];
  readonly data: Uint8Array;
}

/** Thrown when a Raft safety invariant would break; never caught inside the core. */
export class RaftInvariantError extends Error {
  constructor(message: string) {
    super(`raft invariant violated: ${message}`);
    this.name = 'RaftInvariantError';
  }
}

export function invariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new RaftInvariantError(message());
}
