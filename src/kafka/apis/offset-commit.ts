/**
 * OffsetCommit (key 8), v0-v9: a group member (or a tool, with generation -1 and no member id)
 * commits offsets, written to `__consumer_offsets` before the answer.
 *
 * Versions: v1 generation, member id and a per-partition commit timestamp; v2 retention_time_ms
 * (v2-v4; an explicit retention writes the old per-offset expire timestamp, value v1); v3 throttle
 * time; v5 retention removed (offsets.retention.minutes only); v6 committed leader epoch; v7
 * group_instance_id (KIP-345); v8 flexible; v9 generation_id_or_member_epoch (KIP-848; a classic
 * group reads it as the generation).
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), OFFSET_METADATA_TOO_LARGE (12),
 * NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * ILLEGAL_GENERATION (22), UNKNOWN_MEMBER_ID (25), REBALANCE_IN_PROGRESS (27),
 * FENCED_INSTANCE_ID (82).
 */
import { decodeOffsetCommitRequest, offsetCommitRequestMeta, type OffsetCommitRequest } from '../../protocol/generated/messages/offset-commit-request.js';
import { encodeOffsetCommitResponse, type OffsetCommitResponse } from '../../protocol/generated/messages/offset-commit-response.js';
import { defineApi } from '../api.js';
import { commitKnownPartitions } from '../offset-commit-partitions.js';

export const offsetCommitApi = defineApi<OffsetCommitRequest, OffsetCommitResponse>({
  meta: offsetCommitRequestMeta,
  minVersion: 0,
  maxVersion: 9,
  exclusive: false,
  decode: decodeOffsetCommitRequest,
  encode: encodeOffsetCommitResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const topics = await commitKnownPartitions(
      ctx.broker.image,
      req.topics,
      (topic, p) => ({
        topic,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        leaderEpoch: v >= 6 ? (p.committedLeaderEpoch ?? -1) : -1,
        metadata: p.committedMetadata,
        commitTimestampMs: v === 1 ? Number(p.commitTimestamp ?? -1n) : -1,
      }),
      (partitions) =>
        ctx.broker.groups.commitOffsets({
          groupId: req.groupId,
          generationId: v >= 1 ? (req.generationIdOrMemberEpoch ?? -1) : -1,
          memberId: v >= 1 ? (req.memberId ?? '') : '',
          groupInstanceId: v >= 7 ? (req.groupInstanceId ?? null) : null,
          retentionTimeMs: v >= 2 && v <= 4 ? Number(req.retentionTimeMs ?? -1n) : -1,
          partitions,
        }),
    );
    return { throttleTimeMs: 0, topics };
  },
});
