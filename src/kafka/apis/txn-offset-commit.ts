/**
 * TxnOffsetCommit (key 28), v0-v4: a transactional producer commits a consumer group's offsets
 * inside its transaction (after AddOffsetsToTxn). Sent to the group coordinator, which writes them
 * now, in a transactional batch, and makes them the group's committed offsets only when the
 * transaction commits (an abort drops them); until then OffsetFetch with require_stable gets
 * UNSTABLE_OFFSET_COMMIT for those partitions.
 *
 * Versions: v1 same as v0; v2 committed leader epoch; v3 flexible, generation id, member id and
 * group instance id (KIP-447: the group's membership is checked, fencing zombies); v4
 * TRANSACTION_ABORTABLE may be returned (KIP-890; never here).
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), OFFSET_METADATA_TOO_LARGE (12),
 * NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * ILLEGAL_GENERATION (22), UNKNOWN_MEMBER_ID (25), FENCED_INSTANCE_ID (82).
 */
import { decodeTxnOffsetCommitRequest, txnOffsetCommitRequestMeta, type TxnOffsetCommitRequest } from '../../protocol/generated/messages/txn-offset-commit-request.js';
import { encodeTxnOffsetCommitResponse, type TxnOffsetCommitResponse } from '../../protocol/generated/messages/txn-offset-commit-response.js';
import { defineApi } from '../api.js';
import { commitKnownPartitions } from '../offset-commit-partitions.js';

export const txnOffsetCommitApi = defineApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  meta: txnOffsetCommitRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeTxnOffsetCommitRequest,
  encode: encodeTxnOffsetCommitResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const topics = await commitKnownPartitions(
      ctx.broker.image,
      req.topics,
      (topic, p) => ({ topic, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: v >= 2 ? (p.committedLeaderEpoch ?? -1) : -1, metadata: p.committedMetadata, commitTimestampMs: -1 }),
      (partitions) =>
        ctx.broker.groups.commitTxnOffsets({
          groupId: req.groupId,
          generationId: v >= 3 ? (req.generationId ?? -1) : -1,
          memberId: v >= 3 ? (req.memberId ?? '') : '',
          groupInstanceId: v >= 3 ? (req.groupInstanceId ?? null) : null,
          retentionTimeMs: -1,
          partitions,
          producerId: req.producerId,
          producerEpoch: req.producerEpoch,
        }),
    );
    return { throttleTimeMs: 0, topics };
  },
});
