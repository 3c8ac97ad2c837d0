/**
 * What a leader knows about one follower replica (Kafka's Replica / ReplicaState): its log end
 * offset as its last fetch offset told, its log start offset, and the times that decide whether it
 * is in sync: when it last fetched, and when it was last caught up.
 *
 * Kafka's rule: a follower fetching at or past the leader's LEO is caught up now; one fetching at or
 * past the leader's LEO as of its previous fetch was caught up at that previous fetch. A follower
 * is out of sync once it has not been caught up for more than replica.lag.time.max.ms (whether it
 * is stuck or slow), unless its LEO equals the leader's.
 */
export const UNKNOWN_OFFSET = -1;

export class FollowerReplica {
  logEndOffset = UNKNOWN_OFFSET;
  logStartOffset = UNKNOWN_OFFSET;
  lastFetchTimeMs = 0;
  lastCaughtUpTimeMs: number;
  private lastFetchLeaderLogEndOffset = 0;

  constructor(
    readonly brokerId: number,
    /** Kafka's resetReplicaState: an ISR member counts as caught up when the leadership starts. */
    caughtUpAtMs: number,
  ) {
    this.lastCaughtUpTimeMs = caughtUpAtMs;
  }

  /** Kafka's updateFetchStateOrThrow, for a fetch at `fetchOffset` when the leader's LEO was `leaderEndOffset`. */
  onFetch(fetchOffset: number, logStartOffset: number, nowMs: number, leaderEndOffset: number): void {
    if (fetchOffset >= leaderEndOffset) this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, nowMs);
    else if (fetchOffset >= this.lastFetchLeaderLogEndOffset) this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, this.lastFetchTimeMs);
    this.logEndOffset = fetchOffset;
    this.logStartOffset = logStartOffset;
    this.lastFetchLeaderLogEndOffset = Math.max(this.lastFetchLeaderLogEndOffset, leaderEndOffset);
    this.lastFetchTimeMs = nowMs;
  }

  isCaughtUp(leaderEndOffset: number, nowMs: number, maxLagMs: number): boolean {
    return this.logEndOffset === leaderEndOffset || nowMs - this.lastCaughtUpTimeMs <= maxLagMs;
  }
}
