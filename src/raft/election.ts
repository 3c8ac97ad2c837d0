/**
 * The election RPCs: Vote (and KIP-996 pre-vote), BeginQuorumEpoch, EndQuorumEpoch, as
 * KafkaRaftClient handles them.
 *
 * Vote rules: a vote is granted at most once per epoch, only to a candidate whose log is at least
 * as up to date as ours ((lastOffsetEpoch, lastOffset) compared in that order), and only after
 * the vote is persisted (the `persistQuorumState` output precedes the response). A pre-vote
 * changes nothing on the voter; it is refused while the voter still hears from a live leader, so
 * a partitioned node that rejoins cannot disrupt a working quorum.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { candidateLogIsUpToDate, isDynamic, majority, persistElection, randomElectionTimeoutMs, sendResponse, votersAmong, type CoreContext } from './core-context.js';
import type { BeginQuorumEpochRequest, EndQuorumEpochRequest, VoteRequest, VoteResponse } from './messages.js';
import { handleHigherEpoch, loseElection, toCandidate, toFollower, toLeader } from './transitions.js';
import { invariant, NO_NODE, type NodeId } from './types.js';

/** A leader we accept: a voter, or (kraft.version 1, our voter set may lag) anyone but us. */
function knownVoter(c: CoreContext, id: NodeId): boolean {
  return c.voters.includes(id) || (isDynamic(c) && id !== c.localId);
}

function knownLeader(c: CoreContext): NodeId {
  return c.role.kind === 'follower' || c.role.kind === 'leader' ? c.election.leaderId : NO_NODE;
}

function answerVote(c: CoreContext, to: NodeId, req: VoteRequest, errorCode: number, voteGranted: boolean): void {
  sendResponse(c, to, req.correlationId, { kind: 'VoteResponse', errorCode, leaderId: knownLeader(c), leaderEpoch: c.election.epoch, voteGranted });
}

/** Would we follow a pre-vote now? Not while a live leader is fetching from us or feeding us. */
function hearsFromLeader(c: CoreContext): boolean {
  if (c.role.kind === 'leader') return true;
  if (c.role.kind !== 'follower' || c.role.electionAtMs !== undefined) return false;
  const last = c.role.lastLeaderContactMs;
  return last !== undefined && c.nowMs < last + c.config.fetchTimeoutMs;
}

export function handleVoteRequest(c: CoreContext, from: NodeId, req: VoteRequest): void {
  // With static voters an observer has no vote to give, and only a voter may stand. With
  // kraft.version 1 (KIP-853) any replica answers any candidate: either's voter set may lag the
  // log's, the candidate counts only the voters of its own set, and the log check keeps it safe.
  if (req.candidateId !== from) return answerVote(c, from, req, ErrorCode.INCONSISTENT_VOTER_SET, false);
  if (!isDynamic(c) && (c.observer || !c.voters.includes(req.candidateId))) return answerVote(c, from, req, ErrorCode.INCONSISTENT_VOTER_SET, false);
  // A candidate bumped its epoch past every epoch in its log; a prospective has not bumped yet.
  const illegalEpoch = req.preVote ? req.lastOffsetEpoch > req.candidateEpoch : req.lastOffsetEpoch >= req.candidateEpoch;
  if (illegalEpoch || req.lastOffset < 0 || req.lastOffsetEpoch < 0) return answerVote(c, from, req, ErrorCode.INVALID_REQUEST, false);
  if (req.candidateEpoch < c.election.epoch) return answerVote(c, from, req, ErrorCode.FENCED_LEADER_EPOCH, false);
  if (req.candidateEpoch > c.election.epoch) handleHigherEpoch(c, req.candidateEpoch, NO_NODE);
  const upToDate = candidateLogIsUpToDate(c, req.lastOffsetEpoch, req.lastOffset);
  const r = c.role.kind;
  if (req.preVote) return answerVote(c, from, req, ErrorCode.NONE, upToDate && !hearsFromLeader(c));
  const forgetful = c.config.testOnlyBug === 'forgetVote' && (r === 'unattached' || r === 'prospective');
  const canVote = forgetful || ((r === 'unattached' || r === 'prospective') && (c.election.votedId === NO_NODE || c.election.votedId === req.candidateId));
  const grant = canVote && upToDate;
  if (grant && c.election.votedId !== req.candidateId) {
    if (forgetful) c.election = { ...c.election, votedId: NO_NODE };
    persistElection(c, { ...c.election, votedId: req.candidateId });
    if (c.role.kind === 'unattached') c.role.electionDeadlineMs = c.nowMs + randomElectionTimeoutMs(c);
  }
  answerVote(c, from, req, ErrorCode.NONE, grant);
}

export function handleVoteResponse(c: CoreContext, from: NodeId, resp: VoteResponse): void {
  if (resp.leaderEpoch > c.election.epoch) return handleHigherEpoch(c, resp.leaderEpoch, resp.leaderId);
  if (c.role.kind !== 'prospective' && c.role.kind !== 'candidate') return;
  // A voter names a leader of our epoch we did not know: follow it (Kafka's maybeTransition). The
  // leader we already knew and stopped hearing from does not pull us back here (a dead or
  // resigned one would hold every prospective forever); losing the pre-vote does (transitions.ts).
  const told = resp.leaderId;
  if (c.role.kind === 'prospective' && resp.leaderEpoch === c.election.epoch && told !== NO_NODE && told !== c.localId && told !== c.election.leaderId) {
    return toFollower(c, c.election.epoch, told);
  }
  if (resp.errorCode !== ErrorCode.NONE && resp.errorCode !== ErrorCode.FENCED_LEADER_EPOCH) return;
  const role = c.role;
  if (role.backoffUntilMs !== undefined) return;
  (resp.voteGranted ? role.granted : role.rejected).add(from);
  // Only voters of the set in force count (with kraft.version 1 any replica may answer).
  if (votersAmong(c, role.granted) >= majority(c)) return role.kind === 'prospective' ? toCandidate(c, role.retries) : toLeader(c);
  if (votersAmong(c, role.rejected) >= majority(c)) loseElection(c);
}

export function handleBeginQuorumEpochRequest(c: CoreContext, from: NodeId, req: BeginQuorumEpochRequest): void {
  const reply = (errorCode: number): void =>
    sendResponse(c, from, req.correlationId, { kind: 'BeginQuorumEpochResponse', errorCode, leaderId: knownLeader(c), leaderEpoch: c.election.epoch });
  if (!knownVoter(c, req.leaderId) || req.leaderId !== from) return reply(ErrorCode.INCONSISTENT_VOTER_SET);
  if (req.leaderEpoch < c.election.epoch) return reply(ErrorCode.FENCED_LEADER_EPOCH);
  if (req.leaderEpoch === c.election.epoch && c.election.leaderId !== NO_NODE) {
    invariant(c.election.leaderId === req.leaderId, () => `two leaders in epoch ${req.leaderEpoch}: ${c.election.leaderId} and ${req.leaderId}`);
  }
  if (req.leaderEpoch > c.election.epoch || c.role.kind !== 'follower') toFollower(c, req.leaderEpoch, req.leaderId);
  reply(ErrorCode.NONE);
}

export function handleEndQuorumEpochRequest(c: CoreContext, from: NodeId, req: EndQuorumEpochRequest): void {
  const reply = (errorCode: number): void =>
    sendResponse(c, from, req.correlationId, { kind: 'EndQuorumEpochResponse', errorCode, leaderId: knownLeader(c), leaderEpoch: c.election.epoch });
  if (!knownVoter(c, req.leaderId) || req.leaderId !== from) return reply(ErrorCode.INCONSISTENT_VOTER_SET);
  if (req.leaderEpoch < c.election.epoch) return reply(ErrorCode.FENCED_LEADER_EPOCH);
  if (req.leaderEpoch > c.election.epoch) handleHigherEpoch(c, req.leaderEpoch, req.leaderId);
  else if (c.role.kind !== 'follower' && c.election.leaderId === NO_NODE) toFollower(c, req.leaderEpoch, req.leaderId);
  if (c.role.kind === 'follower' && c.election.leaderId === req.leaderId && c.role.electionAtMs === undefined) {
    c.role.electionAtMs = c.nowMs + endEpochElectionBackoffMs(c, req.preferredSuccessors);
  }
  reply(ErrorCode.NONE);
}

/**
 * Kafka's strictExponentialElectionBackoffMs over the preferred successors: the first stands at
 * once, the others wait longer the further down the list they are; a voter not on the list waits
 * the longest.
 */
function endEpochElectionBackoffMs(c: CoreContext, preferred: readonly NodeId[]): number {
  const position = preferred.indexOf(c.localId);
  const max = c.config.electionBackoffMaxMs;
  if (position === 0) return 0;
  if (position < 0) return max;
  return Math.min(max, (max >> (preferred.length - 1)) << (position - 1));
}
