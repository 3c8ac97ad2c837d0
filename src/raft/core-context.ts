/**
 * The state every handler of the core reads and changes, and the few primitives that emit
 * outputs (send a request or response, persist the election state, raise the high watermark).
 * Handlers live in election.ts, replication.ts and transitions.ts; raft-core.ts owns the object.
 *
 * Invariants kept here: the election state is emitted as `persistQuorumState` before any output
 * that depends on it; the high watermark only grows; a request is sent only through the tracker.
 */
import type { Random } from '../io/random.js';
import type { RaftConfig } from './config.js';
import type { LogView } from './log-view.js';
import type { RaftRequest, RaftResponse } from './messages.js';
import type { ElectionState } from './quorum-state-file.js';
import type { RequestTracker } from './request-tracker.js';
import type { Role } from './roles.js';
import type { RaftOutput } from './steps.js';
import { invariant, type Entry, type NodeId, type OffsetAndEpoch } from './types.js';
import type { ReplicaKey, VoterSetHistory } from './voter-set.js';

/** The driver's log, read synchronously: record bytes for Fetch answers and snapshot bytes. */
export interface RaftLogReader {
  /** Up to `maxEntries` entries from `fromOffset` (fewer at the log end); every one is in the log. */
  entries(fromOffset: number, maxEntries: number): readonly Entry[];
  /** Bytes of the latest snapshot from `position`; undefined if `snapshotId` is not it. */
  snapshotChunk(snapshotId: OffsetAndEpoch, position: number, maxBytes: number): { readonly bytes: Uint8Array; readonly size: number } | undefined;
  /**
   * kraft.version 1: the voter set held by the latest snapshot (its VotersRecord). Asked on the
   * step after an `installSnapshot` output, once the driver has installed it.
   */
  snapshotVoters?(snapshotId: OffsetAndEpoch): readonly ReplicaKey[] | undefined;
}

export interface CoreContext {
  readonly localId: NodeId;
  /** The voter set in force (voter-tracking.ts keeps it equal to `history.latest()`'s ids). */
  voters: readonly NodeId[];
  /**
   * Not among the voters (Kafka's observer, a broker-only node): it only replicates. It never
   * stands or leads, and counts toward no majority; with kraft.version 0 it never votes either.
   * With kraft.version 1 this changes with the log (see refreshObserver).
   */
  observer: boolean;
  /** Bootstrap servers an observer asks (Fetch), besides the voters, until an answer names the leader. */
  readonly bootstrap: readonly NodeId[];
  /** The voter set by offset, from the static voters (kraft.version 0) or the log's VotersRecords. */
  readonly history: VoterSetHistory;
  /** A fetched snapshot was installed: read its voter set on the next step (voter-tracking.ts). */
  pendingSnapshotVoters: OffsetAndEpoch | undefined;
  readonly config: RaftConfig;
  readonly random: Random;
  readonly reader: RaftLogReader;
  readonly log: LogView;
  readonly requests: RequestTracker;
  nowMs: number;
  election: ElectionState;
  role: Role;
  highWatermark: number | undefined;
  out: RaftOutput[];
}

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export function majority(c: CoreContext): number {
  return Math.floor(c.voters.length / 2) + 1;
}

export function otherVoters(c: CoreContext): NodeId[] {
  return c.voters.filter((v) => v !== c.localId);
}

/** KIP-853 (kraft.version 1): voters come from the log and may change. */
export function isDynamic(c: CoreContext): boolean {
  return c.history.kraftVersion === 1;
}

/** How many of `ids` are voters of the set in force (votes and check-quorum count only these). */
export function votersAmong(c: CoreContext, ids: Iterable<NodeId>): number {
  let n = 0;
  for (const id of ids) if (c.voters.includes(id)) n++;
  return n;
}

/** Sends a request through the tracker (one in flight per destination). */
export function sendRequest(c: CoreContext, to: NodeId, request: Without<RaftRequest, 'correlationId'>): void {
  const correlationId = c.requests.send(to, request.kind, c.nowMs);
  c.out.push({ kind: 'send', to, message: { ...request, correlationId } as RaftRequest });
}

export function sendResponse(c: CoreContext, to: NodeId, correlationId: number, response: Without<RaftResponse, 'correlationId'>): void {
  c.out.push({ kind: 'send', to, message: { ...response, correlationId } as RaftResponse });
}

/** Adopts and persists a new election state; announces a change of known leader. */
export function persistElection(c: CoreContext, next: ElectionState): void {
  const prev = c.election;
  invariant(next.epoch >= prev.epoch, () => `epoch would go back from ${prev.epoch} to ${next.epoch}`);
  invariant(next.epoch > prev.epoch || prev.votedId === -1 || next.votedId === prev.votedId, () => `vote in epoch ${next.epoch} would change from ${prev.votedId} to ${next.votedId}`);
  invariant(next.epoch > prev.epoch || prev.leaderId === -1 || next.leaderId === prev.leaderId, () => `leader of epoch ${next.epoch} would change from ${prev.leaderId} to ${next.leaderId}`);
  c.election = next;
  c.out.push({ kind: 'persistQuorumState', state: next });
  if (next.epoch !== prev.epoch || next.leaderId !== prev.leaderId) c.out.push({ kind: 'leaderChange', leaderId: next.leaderId, epoch: next.epoch });
}

/** Raises the high watermark (never lowers it). */
export function raiseHighWatermark(c: CoreContext, offset: number): boolean {
  if (c.highWatermark !== undefined && offset <= c.highWatermark) return false;
  invariant(offset <= c.log.endOffset, () => `high watermark ${offset} beyond the log end ${c.log.endOffset}`);
  c.highWatermark = offset;
  c.out.push({ kind: 'highWatermark', offset });
  if (isDynamic(c)) refreshObserver(c);
  return true;
}

/**
 * Is this node only an observer? With static voters: when not among them. With kraft.version 1
 * (KIP-853), as in Raft's single-server changes (Ongaro's thesis, 4.2.2): a node its latest
 * VotersRecord removed may still stand until it knows that removal committed (a voter in the set
 * at its high watermark or in any later one; the high watermark is unknown after a restart),
 * because the voters left may need its log to elect anyone. It then counts only their votes.
 */
export function refreshObserver(c: CoreContext): void {
  const inLatest = c.voters.includes(c.localId);
  const stillNeeded = isDynamic(c) && c.config.testOnlyBug !== 'removedNeverStands' && c.history.votesFrom(c.localId, (c.highWatermark ?? 0) - 1);
  c.observer = !inLatest && !stillNeeded;
}

/** Kafka's randomized election timeout: electionTimeoutMs + [0, electionTimeoutMs). */
export function randomElectionTimeoutMs(c: CoreContext): number {
  return c.config.electionTimeoutMs + c.random.nextInt(c.config.electionTimeoutMs);
}

const RETRY_BACKOFF_BASE_MS = 100;

/** Kafka's binary exponential election backoff, capped at electionBackoffMaxMs. */
export function electionBackoffMs(c: CoreContext, retries: number): number {
  const bound = 2 << Math.min(Math.max(retries, 1) - 1, 16);
  return Math.min(RETRY_BACKOFF_BASE_MS * c.random.nextInt(bound), c.config.electionBackoffMaxMs);
}

/** Is a candidate's (lastOffsetEpoch, lastOffset) at least as up to date as our log? */
export function candidateLogIsUpToDate(c: CoreContext, lastOffsetEpoch: number, lastOffset: number): boolean {
  const ours = c.log.endOffsetAndEpoch();
  return lastOffsetEpoch > ours.epoch || (lastOffsetEpoch === ours.epoch && lastOffset >= ours.endOffset);
}
