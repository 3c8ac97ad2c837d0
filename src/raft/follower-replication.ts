/**
 * The follower's side of replication (KIP-595): fetch from the leader with (fetchOffset,
 * lastFetchedEpoch); append what comes back and flush it before the next Fetch reports the new
 * offset; truncate on a DivergingEpoch; pull a snapshot with FetchSnapshot when the leader's log
 * starts after our end.
 *
 * Observers (non-voters, Kafka's brokers) replicate the same way, and find the leader as Kafka's
 * do: with no leader known, after a fetch timeout, or while the leader answers with errors, they
 * send their Fetch to one random voter (or bootstrap server) at a time until an answer names the
 * leader of the current or a newer epoch; a voter that does not lead answers
 * NOT_LEADER_OR_FOLLOWER with the leader it knows.
 *
 * Invariants: a follower never truncates below its high watermark (committed entries are never
 * removed); every Fetch it sends names an offset already flushed; its high watermark is
 * min(leader's HW, own log end) and only grows.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { isDynamic, raiseHighWatermark, sendRequest, type CoreContext } from './core-context.js';
import type { FetchResponse, FetchSnapshotResponse } from './messages.js';
import type { FollowerRole } from './roles.js';
import { handleHigherEpoch, mayLead, toFollower } from './transitions.js';
import { invariant, type NodeId } from './types.js';
import { appendToLog, discoveryTargets, installSnapshotLog, truncateLog } from './voter-tracking.js';

function followerOf(c: CoreContext): FollowerRole | undefined {
  return c.role.kind === 'follower' ? c.role : undefined;
}

/** Sends the next Fetch or FetchSnapshot to the leader (an observer: or to a voter to find it), if none is in flight. */
export function maybeSendFetch(c: CoreContext): void {
  if (c.observer && observerLooksForLeader(c)) return maybeSendDiscoveryFetch(c);
  const follower = followerOf(c);
  const leaderId = c.election.leaderId;
  if (follower === undefined || !c.requests.isReady(leaderId, c.nowMs)) return;
  if (c.observer && c.requests.hasAnyInFlight(c.nowMs)) return; // a discovery fetch is still out
  if (c.log.durableEndOffset < c.log.endOffset) flushLog(c);
  const epoch = c.election.epoch;
  const snap = follower.snapshotFetch;
  if (snap !== undefined) {
    sendRequest(c, leaderId, { kind: 'FetchSnapshotRequest', replicaId: c.localId, currentLeaderEpoch: epoch, snapshotId: snap.snapshotId, position: snap.position });
    return;
  }
  sendFetch(c, leaderId);
}

function sendFetch(c: CoreContext, to: NodeId): void {
  sendRequest(c, to, { kind: 'FetchRequest', replicaId: c.localId, currentLeaderEpoch: c.election.epoch, fetchOffset: c.log.endOffset, lastFetchedEpoch: c.log.lastFetchedEpoch() });
}

/** Kafka's pollFollowerAsObserver/pollUnattachedAsObserver: no leader, a silent one, or one answering errors. */
function observerLooksForLeader(c: CoreContext): boolean {
  const role = c.role;
  if (role.kind !== 'follower') return true;
  return c.nowMs >= role.fetchDeadlineMs || c.requests.isBackingOff(c.election.leaderId, c.nowMs);
}

/** Kafka's maybeSendAnyVoterFetch: one Fetch at a time, to a random ready voter or bootstrap server. */
function maybeSendDiscoveryFetch(c: CoreContext): void {
  const targets = discoveryTargets(c);
  if (targets.length === 0 || c.requests.hasAnyInFlight(c.nowMs)) return;
  const start = c.random.nextInt(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const to = targets[(start + i) % targets.length] as NodeId;
    if (!c.requests.isReady(to, c.nowMs)) continue;
    if (c.log.durableEndOffset < c.log.endOffset) flushLog(c);
    return sendFetch(c, to);
  }
}

export function flushLog(c: CoreContext): void {
  c.out.push({ kind: 'flush', endOffset: c.log.endOffset });
  c.log.flushed();
}

/** Common handling of a fetch-family answer; returns the follower role if the answer is usable. */
function acceptAnswer(c: CoreContext, from: NodeId, resp: { errorCode: number; leaderId: number; leaderEpoch: number }): FollowerRole | undefined {
  if (resp.leaderEpoch > c.election.epoch) {
    handleHigherEpoch(c, resp.leaderEpoch, resp.leaderId);
    return undefined;
  }
  // An observer that knew no leader learns the leader of its epoch from any voter's answer; the
  // leader's own answer is used at once (Kafka: discover the leader and append in one Fetch).
  if (c.role.kind === 'unattached' && resp.leaderEpoch === c.election.epoch && mayLead(c, resp.leaderId)) toFollower(c, resp.leaderEpoch, resp.leaderId);
  const follower = followerOf(c);
  if (resp.errorCode !== ErrorCode.NONE && resp.leaderEpoch === c.election.epoch) c.requests.backoff(from, c.nowMs);
  // KIP-853: a bootstrap server names the leader we already follow (one added after our bootstrap
  // servers were set, so we never ask it while looking): go back to fetching from it.
  if (c.observer && isDynamic(c) && follower !== undefined && from !== c.election.leaderId && resp.leaderEpoch === c.election.epoch && resp.leaderId === c.election.leaderId && c.nowMs >= follower.fetchDeadlineMs) {
    follower.fetchDeadlineMs = c.nowMs + c.config.fetchTimeoutMs;
  }
  if (follower === undefined || from !== c.election.leaderId || resp.leaderEpoch < c.election.epoch) return undefined;
  if (resp.errorCode !== ErrorCode.NONE) return undefined;
  follower.lastLeaderContactMs = c.nowMs;
  follower.fetchDeadlineMs = c.nowMs + c.config.fetchTimeoutMs;
  return follower;
}

export function handleFetchResponse(c: CoreContext, from: NodeId, resp: FetchResponse): void {
  const follower = acceptAnswer(c, from, resp);
  if (follower === undefined) return;
  if (resp.divergingEpoch !== undefined) {
    const target = c.log.truncationOffsetFor(resp.divergingEpoch);
    invariant(target >= (c.highWatermark ?? 0), () => `truncation to ${target} below the high watermark ${c.highWatermark}`);
    if (target < c.log.endOffset) truncateLog(c, target);
  } else if (resp.snapshotId !== undefined) {
    follower.snapshotFetch = { snapshotId: resp.snapshotId, position: 0 };
  } else if (resp.records.length > 0) {
    if (resp.records[0]?.offset !== c.log.endOffset) return; // not an answer to our current end: ignore
    for (const e of resp.records) invariant(e.epoch <= c.election.epoch, () => `fetched an entry of epoch ${e.epoch} in epoch ${c.election.epoch}`);
    appendToLog(c, resp.records);
    flushLog(c);
  }
  // Only a plain answer confirms our log matches the leader's up to our end (the leader checked
  // fetchOffset and lastFetchedEpoch); after a DivergingEpoch or a SnapshotId it does not yet.
  const validated = resp.divergingEpoch === undefined && resp.snapshotId === undefined;
  if (validated && resp.highWatermark >= 0) raiseHighWatermark(c, Math.min(resp.highWatermark, c.log.endOffset));
  maybeSendFetch(c);
}

export function handleFetchSnapshotResponse(c: CoreContext, from: NodeId, resp: FetchSnapshotResponse): void {
  if (resp.errorCode === ErrorCode.SNAPSHOT_NOT_FOUND || resp.errorCode === ErrorCode.POSITION_OUT_OF_RANGE) {
    // The leader moved to a newer snapshot: ask Fetch again, which names it.
    const f = followerOf(c);
    if (f !== undefined && from === c.election.leaderId) f.snapshotFetch = undefined;
  }
  const follower = acceptAnswer(c, from, resp);
  const snap = follower?.snapshotFetch;
  if (follower === undefined || snap === undefined) return;
  if (resp.snapshotId.endOffset !== snap.snapshotId.endOffset || resp.snapshotId.epoch !== snap.snapshotId.epoch || resp.position !== snap.position) return;
  const bytes = resp.unalignedRecords;
  if (snap.position + bytes.length > resp.size) return;
  c.out.push({ kind: 'snapshotChunk', snapshotId: snap.snapshotId, position: snap.position, bytes });
  snap.position += bytes.length;
  if (snap.position === resp.size) {
    invariant(snap.snapshotId.endOffset >= (c.highWatermark ?? 0), () => `snapshot ${snap.snapshotId.endOffset} below the high watermark ${c.highWatermark}`);
    installSnapshotLog(c, snap.snapshotId);
    follower.snapshotFetch = undefined;
    raiseHighWatermark(c, snap.snapshotId.endOffset);
  }
  maybeSendFetch(c);
}
