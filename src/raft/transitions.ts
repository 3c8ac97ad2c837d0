/**
 * Role transitions (Kafka's QuorumState.transitionTo*): each persists the election state it
 * needs before announcing anything, resets the request tracker (answers to the old role's
 * requests are dropped) and starts the new role's first requests.
 *
 * Invariants: at most one leader per epoch (a candidate becomes leader only with a majority of
 * votes, each persisted by its voter before it was sent); the epoch never goes back.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import {
  isDynamic,
  electionBackoffMs,
  majority,
  otherVoters,
  persistElection,
  randomElectionTimeoutMs,
  sendRequest,
  sendResponse,
  votersAmong,
  type CoreContext,
} from './core-context.js';
import type { LeaderRole } from './roles.js';
import { abandonVoterChange } from './reconfiguration.js';
import { invariant, NO_NODE, type NodeId } from './types.js';
import { appendToLog } from './voter-tracking.js';

/** Leaving the leader role: parked fetches are answered with NOT_LEADER_OR_FOLLOWER. */
function leaveRole(c: CoreContext): void {
  if (c.role.kind === 'leader') {
    for (const [to, p] of c.role.parked) {
      sendResponse(c, to, p.request.correlationId, { kind: 'FetchResponse', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, leaderId: NO_NODE, leaderEpoch: c.election.epoch, highWatermark: c.highWatermark ?? -1, records: [] });
    }
    c.role.parked.clear();
    abandonVoterChange(c, c.role);
    c.out.push({ kind: 'resigned', epoch: c.election.epoch });
  }
  c.requests.reset();
}

export function toUnattached(c: CoreContext, epoch: number): void {
  invariant(epoch > c.election.epoch, () => `unattached at epoch ${epoch} from ${c.election.epoch}`);
  leaveRole(c);
  persistElection(c, { epoch, leaderId: NO_NODE, votedId: NO_NODE });
  c.role = { kind: 'unattached', electionDeadlineMs: c.nowMs + randomElectionTimeoutMs(c) };
}

export function toFollower(c: CoreContext, epoch: number, leaderId: NodeId): void {
  invariant(leaderId !== c.localId, () => `follower of itself in epoch ${epoch}`);
  const sameEpoch = epoch === c.election.epoch;
  invariant(!sameEpoch || c.role.kind !== 'leader', () => `leader of epoch ${epoch} told ${leaderId} leads it`);
  leaveRole(c);
  persistElection(c, { epoch, leaderId, votedId: sameEpoch ? c.election.votedId : NO_NODE });
  c.role = { kind: 'follower', fetchDeadlineMs: c.nowMs + c.config.fetchTimeoutMs, lastLeaderContactMs: undefined, electionAtMs: undefined, snapshotFetch: undefined };
}

/**
 * Could `id` lead the quorum? A voter can. An observer that knows no voters (it found the quorum
 * through bootstrap servers) takes the leader an answer names on trust, as Kafka's does; so does
 * every node with kraft.version 1, whose voter set may lag the leader's (KIP-853).
 */
export function mayLead(c: CoreContext, id: NodeId): boolean {
  return id !== NO_NODE && id !== c.localId && (c.voters.includes(id) || (c.observer && c.voters.length === 0) || isDynamic(c));
}

/** A response or request carried a newer epoch: follow its leader if it names one. */
export function handleHigherEpoch(c: CoreContext, epoch: number, leaderId: NodeId): void {
  if (mayLead(c, leaderId)) toFollower(c, epoch, leaderId);
  else toUnattached(c, epoch);
}

/**
 * A node the voter set no longer holds (KIP-853) leaves a voter's role (resigned, or standing
 * for election after a restart) for an observer's: it looks for the leader and fetches, in the
 * same epoch (nothing is persisted; a leader of a later epoch is followed when found).
 */
export function toObserverUnattached(c: CoreContext): void {
  leaveRole(c);
  c.role = { kind: 'unattached', electionDeadlineMs: Infinity };
}

/** KIP-996: ask for pre-votes at the current epoch without changing any persisted state. */
export function toProspective(c: CoreContext, retries: number): void {
  invariant(!c.observer, () => `observer ${c.localId} would stand for election`);
  leaveRole(c);
  c.role = { kind: 'prospective', granted: new Set([c.localId]), rejected: new Set(), electionDeadlineMs: c.nowMs + randomElectionTimeoutMs(c), backoffUntilMs: undefined, retries };
  if (votersAmong(c, c.role.granted) >= majority(c)) return toCandidate(c, retries);
  sendVoteRequests(c, true);
}

export function toCandidate(c: CoreContext, retries: number): void {
  invariant(!c.observer, () => `observer ${c.localId} would stand for election`);
  leaveRole(c);
  persistElection(c, { epoch: c.election.epoch + 1, leaderId: NO_NODE, votedId: c.localId });
  c.role = { kind: 'candidate', granted: new Set([c.localId]), rejected: new Set(), electionDeadlineMs: c.nowMs + randomElectionTimeoutMs(c), backoffUntilMs: undefined, retries };
  if (votersAmong(c, c.role.granted) >= majority(c)) return toLeader(c);
  sendVoteRequests(c, false);
}

export function sendVoteRequests(c: CoreContext, preVote: boolean): void {
  const last = c.log.endOffsetAndEpoch();
  const candidateEpoch = c.election.epoch;
  for (const to of otherVoters(c)) {
    sendRequest(c, to, { kind: 'VoteRequest', candidateEpoch, candidateId: c.localId, lastOffsetEpoch: last.epoch, lastOffset: last.endOffset, preVote });
  }
}

/**
 * A lost round (majority against, or the election timed out). A prospective that knew a leader
 * goes back to following it (KIP-996: the refusals say it is alive for the others); otherwise back
 * off, then pre-vote again.
 */
export function loseElection(c: CoreContext): void {
  if (c.role.kind !== 'prospective' && c.role.kind !== 'candidate') return;
  if (c.role.backoffUntilMs !== undefined) return;
  const known = c.election.leaderId;
  if (c.role.kind === 'prospective' && known !== NO_NODE && known !== c.localId) return toFollower(c, c.election.epoch, known);
  c.role.backoffUntilMs = c.nowMs + electionBackoffMs(c, c.role.retries + 1);
}

export function toLeader(c: CoreContext): void {
  invariant(c.role.kind === 'candidate' && c.election.votedId === c.localId, () => `leader without a candidacy in epoch ${c.election.epoch}`);
  leaveRole(c);
  const epoch = c.election.epoch;
  persistElection(c, { epoch, leaderId: c.localId, votedId: c.localId });
  const epochStartOffset = c.log.endOffset;
  const role: LeaderRole = {
    kind: 'leader',
    epochStartOffset,
    progress: new Map(c.voters.map((v) => [v, { endOffset: -1, lastFetchMs: -1, lastCaughtUpMs: -1 }])),
    observers: new Map(),
    parked: new Map(),
    beginPending: new Set(otherVoters(c)),
    fetchedSinceCheck: new Set([c.localId]),
    checkQuorumDeadlineMs: c.nowMs + checkQuorumTimeoutMs(c),
    voterChange: undefined,
    resignRequested: false,
  };
  c.role = role;
  // Kafka's LeaderChange control record: the entry of this epoch whose commit proves the epoch.
  const entry = { offset: epochStartOffset, epoch, control: 'leaderChange' as const, data: new Uint8Array(0) };
  appendToLog(c, [entry]);
  // KIP-853: voters known only from the bootstrap checkpoint go into the log with the epoch's
  // first entries (Kafka's appendStartOfEpochControlRecords), so replicas formatted without them
  // (observers, controllers to be added) learn the voter set by fetching.
  if (isDynamic(c) && c.history.latestOffset() === undefined && c.log.snapshotId === undefined) {
    appendToLog(c, [{ offset: c.log.endOffset, epoch, control: 'voters', voters: c.history.latest(), data: new Uint8Array(0) }]);
  }
  c.out.push({ kind: 'becameLeader', epoch, epochStartOffset });
  for (const to of role.beginPending) sendRequest(c, to, { kind: 'BeginQuorumEpochRequest', leaderId: c.localId, leaderEpoch: epoch });
}

/** Kafka's check-quorum: a leader not fetched from by a majority for 1.5 fetch timeouts resigns. */
export function checkQuorumTimeoutMs(c: CoreContext): number {
  return Math.floor(c.config.fetchTimeoutMs * 1.5);
}

/** The leader (or a restarted one) stops leading this epoch and tells the voters, naming successors. */
export function toResigned(c: CoreContext, preferredSuccessors: readonly NodeId[]): void {
  // A leader that removed itself (KIP-853) is no voter any more, yet resigns its epoch.
  invariant(!c.observer || c.role.kind === 'leader', () => `observer ${c.localId} would resign a leadership`);
  leaveRole(c);
  c.role = { kind: 'resigned', electionDeadlineMs: c.nowMs + randomElectionTimeoutMs(c), unacked: new Set(otherVoters(c)), preferredSuccessors };
  sendEndQuorumEpochs(c);
}

export function sendEndQuorumEpochs(c: CoreContext): void {
  if (c.role.kind !== 'resigned') return;
  for (const to of c.role.unacked) {
    if (!c.requests.isReady(to, c.nowMs)) continue;
    sendRequest(c, to, { kind: 'EndQuorumEpochRequest', leaderId: c.localId, leaderEpoch: c.election.epoch, preferredSuccessors: c.role.preferredSuccessors });
  }
}
