/**
 * The `quorum-state` file, as Kafka's FileQuorumStateStore writes it: one line of JSON, Kafka's
 * QuorumStateData fields in camelCase plus `data_version`. A static voter set (KRaft version 0)
 * writes data_version 0 with `currentVoters`; version 1 (KIP-853) files are read too.
 *
 * Invariant: decode(encode(s)) == s for every state with a valid epoch; a file that is not one
 * JSON object with a supported data_version is refused with a message naming what is wrong (the
 * driver must not start a voter on a quorum-state it cannot read: it could vote twice).
 */
import { NO_NODE, type NodeId } from './types.js';

/** What the core persists before it acts on a new epoch or vote (Kafka's ElectionState). */
export interface ElectionState {
  readonly epoch: number;
  readonly leaderId: NodeId;
  readonly votedId: NodeId;
}

const ZERO_UUID_BASE64 = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The file's bytes for `state` and the static voter set `voters` (data_version 0). */
export function encodeQuorumState(state: ElectionState, voters: readonly NodeId[]): string {
  const json = {
    clusterId: '',
    leaderId: state.leaderId,
    leaderEpoch: state.epoch,
    votedId: state.votedId,
    appliedOffset: 0,
    currentVoters: [...voters].sort((a, b) => a - b).map((voterId) => ({ voterId })),
    data_version: 0,
  };
  return `${JSON.stringify(json)}\n`;
}

/** The version 1 form (KIP-853 `votedDirectoryId`, no voter list). */
export function encodeQuorumStateV1(state: ElectionState): string {
  const json = { leaderId: state.leaderId, leaderEpoch: state.epoch, votedId: state.votedId, votedDirectoryId: ZERO_UUID_BASE64, data_version: 1 };
  return `${JSON.stringify(json)}\n`;
}

function intField(o: Record<string, unknown>, name: string, fallback: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`quorum-state: ${name} is not an integer: ${JSON.stringify(v)}`);
  return v;
}

/** Parses the first line of a quorum-state file; throws a clear Error on anything else. */
export function decodeQuorumState(text: string): ElectionState {
  const line = text.split('\n')[0] ?? '';
  if (line.trim() === '') throw new Error('quorum-state: file ended prematurely');
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    throw new Error(`quorum-state: not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('quorum-state: not a JSON object');
  const o = parsed as Record<string, unknown>;
  if (o.data_version === undefined) throw new Error('quorum-state: no data_version field');
  const version = intField(o, 'data_version', -1);
  if (version < 0 || version > 1) throw new Error(`quorum-state: data_version (${version}) is not within the min (0) and max (1) supported version`);
  const state = { epoch: intField(o, 'leaderEpoch', -1), leaderId: intField(o, 'leaderId', NO_NODE), votedId: intField(o, 'votedId', NO_NODE) };
  if (state.epoch < 0) throw new Error(`quorum-state: leaderEpoch ${state.epoch} is negative`);
  return state;
}
