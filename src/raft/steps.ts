/**
 * What goes into the core (`RaftInput`) and what comes out (`RaftOutput`), and the order
 * contract the driver keeps when it performs the outputs of one step:
 *
 *  1. Outputs are performed in the order given, and all of a step's outputs are performed before
 *     the next step is fed (the core assumes them done when it takes its next input).
 *  2. `persistQuorumState`, `flush` and `installSnapshot` are durable (fsynced) before any later
 *     output is performed. The core places them before every `send` that depends on them: a vote
 *     is granted only after the vote is on disk, a Fetch reports only a fetchOffset already on
 *     disk, a leader counts only its own flushed offset toward the high watermark.
 *  3. `append` and `truncate` change the log the `RaftLogReader` reads at once; an append is not
 *     durable until the next `flush` (a crash may lose it, or leave a prefix of it).
 *  4. If the process dies part-way through a step's outputs, the rest are simply not performed;
 *     on restart the driver builds a new core from what is on disk.
 */
import type { RaftMessage } from './messages.js';
import type { ElectionState } from './quorum-state-file.js';
import type { Entry, NodeId, OffsetAndEpoch } from './types.js';
import type { ReplicaKey } from './voter-set.js';

export type RaftInput =
  /** Time passed: fire whatever deadlines are due (call at `nextDeadlineMs()` at the latest). */
  | { readonly kind: 'tick' }
  /** A message arrived from voter `from`. */
  | { readonly kind: 'receive'; readonly from: NodeId; readonly message: RaftMessage }
  /** Append these entries (the leader only); answered by a `proposalResult` with the same id. */
  | { readonly kind: 'propose'; readonly id: number; readonly entries: readonly Uint8Array[] }
  /** The state machine wrote a snapshot of every entry before snapshotId.endOffset (<= HW). */
  | { readonly kind: 'snapshotTaken'; readonly snapshotId: OffsetAndEpoch }
  /** Graceful shutdown of a leader: resign and name the most caught-up voters as successors. */
  | { readonly kind: 'resign' }
  /** KIP-853 AddRaftVoter (the leader only); answered by a `voterChangeResult` with the same id. */
  | { readonly kind: 'addVoter'; readonly id: number; readonly voter: ReplicaKey }
  /** KIP-853 RemoveRaftVoter (the leader only); answered by a `voterChangeResult` with the same id. */
  | { readonly kind: 'removeVoter'; readonly id: number; readonly voter: ReplicaKey };

export type ProposalResult =
  | { readonly accepted: true; readonly baseOffset: number; readonly lastOffset: number; readonly epoch: number }
  | { readonly accepted: false; readonly errorCode: number; readonly leaderId: NodeId; readonly leaderEpoch: number };

export type RaftOutput =
  | { readonly kind: 'send'; readonly to: NodeId; readonly message: RaftMessage }
  /** Write the quorum-state file (encodeQuorumState) durably: temp file, fsync, rename. */
  | { readonly kind: 'persistQuorumState'; readonly state: ElectionState }
  | { readonly kind: 'append'; readonly entries: readonly Entry[] }
  /** Remove every entry at or after `endOffset`. */
  | { readonly kind: 'truncate'; readonly endOffset: number }
  /** fsync the log up to `endOffset` (its current end). */
  | { readonly kind: 'flush'; readonly endOffset: number }
  /**
   * The log before snapshotId.endOffset may be deleted: a local snapshot covers it. Also emitted
   * on the first step when the recovered log starts before the latest snapshot; if the log ends
   * before the snapshot, it restarts empty at snapshotId.endOffset.
   */
  | { readonly kind: 'deleteBefore'; readonly snapshotId: OffsetAndEpoch }
  /** Bytes of a snapshot being fetched from the leader, at `position`. */
  | { readonly kind: 'snapshotChunk'; readonly snapshotId: OffsetAndEpoch; readonly position: number; readonly bytes: Uint8Array }
  /** The fetched snapshot is complete: make it durable, replace the whole log with it, load it. */
  | { readonly kind: 'installSnapshot'; readonly snapshotId: OffsetAndEpoch }
  /** Entries before `offset` are committed (only ever increases while the core lives). */
  | { readonly kind: 'highWatermark'; readonly offset: number }
  /** The known leader changed (leaderId -1: unknown), Kafka's handleLeaderChange. */
  | { readonly kind: 'leaderChange'; readonly leaderId: NodeId; readonly epoch: number }
  | { readonly kind: 'becameLeader'; readonly epoch: number; readonly epochStartOffset: number }
  | { readonly kind: 'resigned'; readonly epoch: number }
  | { readonly kind: 'proposalResult'; readonly id: number; readonly result: ProposalResult }
  /** A voter change's outcome: NONE once its VotersRecord committed, else Kafka's error code. */
  | { readonly kind: 'voterChangeResult'; readonly id: number; readonly errorCode: number; readonly errorMessage?: string };
