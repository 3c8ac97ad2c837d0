/**
 * The leader's side of replication: Fetch and FetchSnapshot answers, parked (long-poll) fetches,
 * voter progress and the high watermark.
 *
 * Invariants: the high watermark is the offset a majority of voters hold durably (a follower's
 * fetchOffset is durable by the order contract; the leader counts its own flushed end), and it
 * moves only once an entry of the leader's own epoch (the LeaderChange entry at epochStartOffset)
 * is below it, so an entry of an older epoch is never declared committed by counting replicas.
 * Observers (fetchers that are not voters) are answered like voters but counted toward nothing.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { majority, raiseHighWatermark, sendResponse, votersAmong, type CoreContext } from './core-context.js';
import { completeVoterChange } from './reconfiguration.js';
import type { FetchRequest, FetchSnapshotRequest } from './messages.js';
import type { LeaderRole } from './roles.js';
import { checkQuorumTimeoutMs } from './transitions.js';
import { NO_NODE, type NodeId } from './types.js';

function leaderOf(c: CoreContext): LeaderRole | undefined {
  return c.role.kind === 'leader' ? c.role : undefined;
}

/**
 * The leader id a fetcher is told with an error: the leader this node follows, or itself when it
 * leads (a fetcher of an older epoch, an observer looking for the leader, learns it from this).
 */
function knownLeaderId(c: CoreContext): NodeId {
  if (c.role.kind === 'leader') return c.localId;
  return c.role.kind === 'follower' ? c.election.leaderId : NO_NODE;
}

function fetchError(c: CoreContext, to: NodeId, correlationId: number, errorCode: number): void {
  sendResponse(c, to, correlationId, { kind: 'FetchResponse', errorCode, leaderId: knownLeaderId(c), leaderEpoch: c.election.epoch, highWatermark: -1, records: [] });
}

/** The error a fetch (or snapshot fetch) gets before its offsets are looked at, if any. */
function fetchPrecheck(c: CoreContext, currentLeaderEpoch: number): number {
  if (c.role.kind !== 'leader') return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  if (currentLeaderEpoch < c.election.epoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (currentLeaderEpoch > c.election.epoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}

/** A voter fetched (or pulled a snapshot chunk): check-quorum and BeginQuorumEpoch bookkeeping. */
function heardFrom(c: CoreContext, leader: LeaderRole, from: NodeId): void {
  leader.beginPending.delete(from);
  leader.fetchedSinceCheck.add(from);
  if (votersAmong(c, leader.fetchedSinceCheck) >= majority(c)) {
    leader.fetchedSinceCheck.clear();
    leader.fetchedSinceCheck.add(c.localId);
    leader.checkQuorumDeadlineMs = c.nowMs + checkQuorumTimeoutMs(c);
  }
}

export function handleFetchRequest(c: CoreContext, from: NodeId, req: FetchRequest): void {
  const error = fetchPrecheck(c, req.currentLeaderEpoch);
  const leader = leaderOf(c);
  if (error !== ErrorCode.NONE || leader === undefined) return fetchError(c, from, req.correlationId, error);
  const validation = c.log.validateFetch(req.fetchOffset, req.lastFetchedEpoch);
  const base = { kind: 'FetchResponse' as const, errorCode: ErrorCode.NONE, leaderId: c.localId, leaderEpoch: c.election.epoch, highWatermark: c.highWatermark ?? -1, records: [] };
  if (validation.kind === 'diverging') return sendResponse(c, from, req.correlationId, { ...base, divergingEpoch: validation.divergingEpoch });
  if (validation.kind === 'snapshot') return sendResponse(c, from, req.correlationId, { ...base, snapshotId: validation.snapshotId });
  if (req.fetchOffset > c.log.endOffset) return fetchError(c, from, req.correlationId, ErrorCode.OFFSET_OUT_OF_RANGE);
  const progress = leader.progress.get(from);
  if (progress !== undefined) {
    progress.endOffset = Math.max(progress.endOffset, req.fetchOffset);
    progress.lastFetchMs = c.nowMs;
    if (req.fetchOffset >= c.log.endOffset) progress.lastCaughtUpMs = c.nowMs;
    heardFrom(c, leader, from);
  } else if (from >= 0 && from !== c.localId) {
    observerFetched(c, leader, from, req.fetchOffset);
  }
  leader.parked.delete(from);
  if (!maybeAdvanceHighWatermark(c) && req.fetchOffset >= c.log.endOffset) {
    leader.parked.set(from, { request: req, deadlineMs: c.nowMs + c.config.fetchMaxWaitMs });
    return;
  }
  answerFetch(c, from, req);
}

/**
 * A non-voter fetched: tracked for DescribeQuorum only (Kafka's LeaderState.observerStates). Its
 * offset is whatever it fetched last (it may have truncated); it moves no high watermark and
 * keeps no leader in office.
 */
function observerFetched(c: CoreContext, leader: LeaderRole, from: NodeId, fetchOffset: number): void {
  const o = leader.observers.get(from) ?? { endOffset: -1, lastFetchMs: -1, lastCaughtUpMs: -1 };
  o.endOffset = fetchOffset;
  o.lastFetchMs = c.nowMs;
  if (fetchOffset >= c.log.endOffset) o.lastCaughtUpMs = c.nowMs;
  leader.observers.set(from, o);
}

/** Kafka's OBSERVER_SESSION_TIMEOUT_MS: an observer silent this long is no longer listed. */
export const OBSERVER_SESSION_TIMEOUT_MS = 300_000;

/** Forgets observers that stopped fetching (Kafka's clearInactiveObservers). */
export function clearInactiveObservers(c: CoreContext, leader: LeaderRole): void {
  for (const [id, o] of leader.observers) if (c.nowMs - o.lastFetchMs >= OBSERVER_SESSION_TIMEOUT_MS) leader.observers.delete(id);
}

function answerFetch(c: CoreContext, to: NodeId, req: FetchRequest): void {
  const count = Math.min(c.config.fetchMaxEntries, Math.max(0, c.log.endOffset - req.fetchOffset));
  const records = count > 0 ? c.reader.entries(req.fetchOffset, count) : [];
  sendResponse(c, to, req.correlationId, { kind: 'FetchResponse', errorCode: ErrorCode.NONE, leaderId: c.localId, leaderEpoch: c.election.epoch, highWatermark: c.highWatermark ?? -1, records });
}

/** Answers parked fetches: all of them (new data or HW), or only the expired ones. */
export function completeParkedFetches(c: CoreContext, onlyExpired: boolean): void {
  const leader = leaderOf(c);
  if (leader === undefined) return;
  for (const [to, p] of [...leader.parked]) {
    if (onlyExpired && c.nowMs < p.deadlineMs) continue;
    leader.parked.delete(to);
    answerFetch(c, to, p.request);
  }
}

/** Recomputes the majority offset; on a raise, wakes the parked fetches to carry it. */
export function maybeAdvanceHighWatermark(c: CoreContext): boolean {
  const leader = leaderOf(c);
  if (leader === undefined) return false;
  const offsets = c.voters.map((v) => (v === c.localId ? c.log.durableEndOffset : (leader.progress.get(v)?.endOffset ?? -1))).sort((a, b) => b - a);
  const index = c.config.testOnlyBug === 'hwFromMinority' ? 0 : majority(c) - 1;
  const candidate = offsets[index] ?? -1;
  if (candidate <= leader.epochStartOffset || !raiseHighWatermark(c, candidate)) return false;
  completeVoterChange(c);
  completeParkedFetches(c, false);
  return true;
}

export function handleFetchSnapshotRequest(c: CoreContext, from: NodeId, req: FetchSnapshotRequest): void {
  const base = { kind: 'FetchSnapshotResponse' as const, leaderId: c.role.kind === 'leader' ? c.localId : knownLeaderId(c), leaderEpoch: c.election.epoch, snapshotId: req.snapshotId, size: 0, position: req.position, unalignedRecords: new Uint8Array(0) };
  const error = fetchPrecheck(c, req.currentLeaderEpoch);
  const leader = leaderOf(c);
  if (error !== ErrorCode.NONE || leader === undefined) return sendResponse(c, from, req.correlationId, { ...base, errorCode: error });
  if (leader.progress.has(from)) heardFrom(c, leader, from);
  const latest = c.log.snapshotId;
  const chunk = latest !== undefined && latest.endOffset === req.snapshotId.endOffset && latest.epoch === req.snapshotId.epoch ? c.reader.snapshotChunk(latest, req.position, c.config.fetchSnapshotMaxBytes) : undefined;
  if (chunk === undefined) return sendResponse(c, from, req.correlationId, { ...base, errorCode: ErrorCode.SNAPSHOT_NOT_FOUND });
  if (req.position < 0 || req.position > chunk.size) return sendResponse(c, from, req.correlationId, { ...base, errorCode: ErrorCode.POSITION_OUT_OF_RANGE, size: chunk.size });
  sendResponse(c, from, req.correlationId, { ...base, errorCode: ErrorCode.NONE, size: chunk.size, unalignedRecords: chunk.bytes });
}
