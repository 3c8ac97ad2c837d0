/**
 * OffsetForLeaderEpoch (key 23), v0-v4: the end offset of a leader epoch, which consumers use to
 * validate their position after a leader change (KIP-320) and followers use to truncate (KIP-101).
 *
 * Versions: v1 answers the leader epoch too; v2 current leader epoch (fencing) and throttle time;
 * v3 replica id; v4 flexible.
 *
 * Answered by the partition's leader from its leader-epoch cache (storage/leader-epoch-cache.ts,
 * Kafka's LeaderEpochFileCache.endOffsetFor): the current epoch ends at the log end offset, an
 * earlier one where the next known epoch starts (with the largest known epoch at or below it), a
 * later or unknown one is (-1, -1).
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), NOT_LEADER_OR_FOLLOWER (6) on a follower,
 * FENCED_LEADER_EPOCH (74), UNKNOWN_LEADER_EPOCH (75).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeOffsetForLeaderEpochRequest, offsetForLeaderEpochRequestMeta, type OffsetForLeaderEpochRequest, type OffsetForLeaderPartition } from '../../protocol/generated/messages/offset-for-leader-epoch-request.js';
import { encodeOffsetForLeaderEpochResponse, type EpochEndOffset, type OffsetForLeaderEpochResponse } from '../../protocol/generated/messages/offset-for-leader-epoch-response.js';
import { leaderEpochError } from '../../partition/leader-epoch-check.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

const UNDEFINED_EPOCH = -1;
const UNDEFINED_OFFSET = -1n;

export const offsetForLeaderEpochApi = defineApi<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
  meta: offsetForLeaderEpochRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeOffsetForLeaderEpochRequest,
  encode: encodeOffsetForLeaderEpochResponse,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => endOffsetFor(t.topic, p, ctx)) })),
    };
  },
});

function endOffsetFor(topic: string, p: OffsetForLeaderPartition, ctx: RequestContext): EpochEndOffset {
  const partition = ctx.broker.replicas.get(topic, p.partition);
  if (partition === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
  const fenced = leaderEpochError(p.currentLeaderEpoch, partition.leaderEpoch);
  if (fenced !== ErrorCode.NONE) return { errorCode: fenced, partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
  if (!partition.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_OFFSET };
  const end = partition.endOffsetForEpoch(p.leaderEpoch);
  return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: end.epoch, endOffset: BigInt(end.endOffset) };
}
