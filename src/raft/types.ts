/**
 * The Raft core's value types: node ids, (offset, epoch) pairs and log entries. Entries are
 * opaque bytes to the core; only the leader's own LeaderChange control entry (appended at the
 * start of every epoch, as KafkaRaftClient does) is marked so the driver can encode it as a
 * control batch.
 */

/** A voter's node id (Kafka's replica id / controller node.id). */
export type NodeId = number;

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
  /** Set only on the control entry a new leader appends at its epoch start offset. */
  readonly control?: 'leaderChange';
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
