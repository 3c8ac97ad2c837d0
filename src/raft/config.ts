/**
 * The quorum's timing settings, with Kafka's `controller.quorum.*` names and defaults
 * (QuorumConfig.java), as plain numbers: the core has no clock; these only shape the deadlines
 * it derives from the `nowMs` of each step.
 */

export interface RaftConfig {
  /** controller.quorum.election.timeout.ms: base of the randomized election timeout. */
  readonly electionTimeoutMs: number;
  /** controller.quorum.fetch.timeout.ms: a follower that hears nothing from its leader this long starts an election. */
  readonly fetchTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms: cap of the exponential backoff after a lost election. */
  readonly electionBackoffMaxMs: number;
  /** controller.quorum.request.timeout.ms: an unanswered request is forgotten and may be re-sent. */
  readonly requestTimeoutMs: number;
  /** controller.quorum.retry.backoff.ms: wait before re-sending a failed request. */
  readonly retryBackoffMs: number;
  /** How long the leader parks a Fetch with nothing new before answering it empty (Kafka: 500). */
  readonly fetchMaxWaitMs: number;
  /** Most entries one Fetch response carries. */
  readonly fetchMaxEntries: number;
  /** Most snapshot bytes one FetchSnapshot response carries. */
  readonly fetchSnapshotMaxBytes: number;
  /**
   * Deliberate bugs, for the simulator's proof that its checker can fail. Never set in production.
   * `hwFromMinority`: the leader takes the highest voter offset as its high watermark.
   * `forgetVote`: a voter grants a vote in an epoch where it already voted for another candidate.
   * `removedNeverStands`: (KIP-853) a node its latest VotersRecord removed stops standing at once,
   * before it knows the removal committed.
   */
  readonly testOnlyBug?: 'hwFromMinority' | 'forgetVote' | 'removedNeverStands';
}

export const DEFAULT_RAFT_CONFIG: RaftConfig = {
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  requestTimeoutMs: 2000,
  retryBackoffMs: 20,
  fetchMaxWaitMs: 500,
  fetchMaxEntries: 64,
  fetchSnapshotMaxBytes: 64 * 1024,
};

/** Fills defaults and rejects settings Kafka would reject (non-positive timeouts). */
export function raftConfig(overrides: Partial<RaftConfig> = {}): RaftConfig {
  const c = { ...DEFAULT_RAFT_CONFIG, ...overrides };
  for (const key of ['electionTimeoutMs', 'fetchTimeoutMs', 'electionBackoffMaxMs', 'requestTimeoutMs', 'fetchMaxWaitMs', 'fetchMaxEntries', 'fetchSnapshotMaxBytes'] as const) {
    if (!Number.isInteger(c[key]) || c[key] <= 0) throw new Error(`raft config ${key} must be a positive integer, got ${c[key]}`);
  }
  if (!Number.isInteger(c.retryBackoffMs) || c.retryBackoffMs < 0) throw new Error(`raft config retryBackoffMs must be >= 0, got ${c.retryBackoffMs}`);
  return c;
}
