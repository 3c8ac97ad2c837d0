/**
 * The leader's side of KIP-853's voter changes (Kafka's AddVoterHandler and RemoveVoterHandler):
 * append a VotersRecord with the new voter set, and answer when it commits. The new set is in
 * force from the moment it is appended (voter-tracking.ts), so the record itself commits by a
 * majority of the new set.
 *
 * Refused, with Kafka's error codes: not the leader (NOT_LEADER_OR_FOLLOWER); another change not
 * yet committed, or this leader's epoch not yet committed (REQUEST_TIMED_OUT: Raft's single-server
 * change is safe only one at a time and only once the leader has committed in its own epoch);
 * kraft.version 0 (UNSUPPORTED_VERSION); adding a voter already there (DUPLICATE_VOTER) or one
 * that is not a caught-up observer (REQUEST_TIMED_OUT); removing a replica not in the set
 * (VOTER_NOT_FOUND). A leader that removed itself leads until the change commits, then resigns.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { CoreContext } from './core-context.js';
import type { LeaderRole } from './roles.js';
import type { ReplicaKey } from './voter-set.js';
import { sameKey } from './voter-set.js';
import { appendToLog } from './voter-tracking.js';

/** Kafka's LeaderState.isReplicaCaughtUp: the observer reached the log end once and fetched within the last hour. */
const CAUGHT_UP_FETCH_WINDOW_MS = 60 * 60 * 1000;

function answer(c: CoreContext, id: number, errorCode: number, errorMessage: string | undefined): void {
  c.out.push({ kind: 'voterChangeResult', id, errorCode, ...(errorMessage !== undefined ? { errorMessage } : {}) });
}

/** The checks every change shares; the leader role when the change may go ahead. */
function precheck(c: CoreContext, id: number): LeaderRole | undefined {
  const role = c.role;
  if (role.kind !== 'leader') return void answer(c, id, ErrorCode.NOT_LEADER_OR_FOLLOWER, undefined);
  if (role.voterChange !== undefined) return void answer(c, id, ErrorCode.REQUEST_TIMED_OUT, 'a previous voter change is still pending');
  const hw = c.highWatermark;
  if (hw === undefined || hw <= role.epochStartOffset) return void answer(c, id, ErrorCode.REQUEST_TIMED_OUT, 'the leader has not committed its epoch yet');
  if (c.history.kraftVersion !== 1) return void answer(c, id, ErrorCode.UNSUPPORTED_VERSION, 'kraft.version 0: the voters are static (controller.quorum.voters)');
  const last = c.history.latestOffset();
  if (last !== undefined && last >= hw) return void answer(c, id, ErrorCode.REQUEST_TIMED_OUT, `the voter change at offset ${last} is not committed yet`);
  return role;
}

function appendVoters(c: CoreContext, role: LeaderRole, id: number, voters: readonly ReplicaKey[]): void {
  const entry = { offset: c.log.endOffset, epoch: c.election.epoch, control: 'voters' as const, voters, data: new Uint8Array(0) };
  role.voterChange = { id, offset: entry.offset };
  appendToLog(c, [entry]);
}

export function addVoter(c: CoreContext, id: number, voter: ReplicaKey): void {
  const role = precheck(c, id);
  if (role === undefined) return;
  const current = c.history.latest();
  if (current.some((v) => v.id === voter.id)) return answer(c, id, ErrorCode.DUPLICATE_VOTER, `${voter.id} is already a voter`);
  const o = role.observers.get(voter.id);
  const caughtUp = o !== undefined && o.lastCaughtUpMs >= 0 && o.lastFetchMs > c.nowMs - CAUGHT_UP_FETCH_WINDOW_MS;
  if (!caughtUp) return answer(c, id, ErrorCode.REQUEST_TIMED_OUT, `${voter.id} is not a caught-up observer of the leader`);
  appendVoters(c, role, id, [...current, voter]);
}

export function removeVoter(c: CoreContext, id: number, voter: ReplicaKey): void {
  const role = precheck(c, id);
  if (role === undefined) return;
  const current = c.history.latest();
  if (!current.some((v) => sameKey(v, voter))) return answer(c, id, ErrorCode.VOTER_NOT_FOUND, `${voter.id} (directory ${voter.directoryId || 'none'}) is not a voter`);
  const next = current.filter((v) => !sameKey(v, voter));
  if (next.length === 0) return answer(c, id, ErrorCode.INVALID_REQUEST, 'cannot remove the last voter');
  appendVoters(c, role, id, next);
}

/**
 * The high watermark moved: a pending change that committed is answered. A leader outside the
 * voter set (it removed itself, or was elected to finish committing its removal) resigns once
 * the latest VotersRecord is committed.
 */
export function completeVoterChange(c: CoreContext): void {
  const role = c.role;
  if (role.kind !== 'leader') return;
  const hw = c.highWatermark ?? 0;
  const change = role.voterChange;
  if (change !== undefined && hw > change.offset) {
    role.voterChange = undefined;
    answer(c, change.id, ErrorCode.NONE, undefined);
  }
  if (!c.voters.includes(c.localId) && hw > (c.history.latestOffset() ?? -1)) role.resignRequested = true;
}

/** The leader role ends with a change still pending: its requester learns so (the change may still commit). */
export function abandonVoterChange(c: CoreContext, role: LeaderRole): void {
  if (role.voterChange === undefined) return;
  answer(c, role.voterChange.id, ErrorCode.NOT_LEADER_OR_FOLLOWER, 'leadership was lost before the voter change committed');
  role.voterChange = undefined;
}
