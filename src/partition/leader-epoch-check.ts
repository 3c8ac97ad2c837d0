/**
 * Kafka's current-leader-epoch check (KIP-320), shared by Fetch and ListOffsets: a request that
 * names an epoch older than ours is from a fenced client (FENCED_LEADER_EPOCH); a newer one means
 * we have not caught up with metadata yet (UNKNOWN_LEADER_EPOCH). -1 means "not given".
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';

export function leaderEpochError(requestEpoch: number | undefined, leaderEpoch: number): number {
  if (requestEpoch === undefined || requestEpoch < 0) return ErrorCode.NONE;
  if (requestEpoch < leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (requestEpoch > leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}
