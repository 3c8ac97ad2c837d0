/**
 * DeleteRecords (key 21), v0-v2: moves a partition's log start offset up to the given offset
 * (-1 = the high watermark); segments wholly below it are deleted, and fetches below it answer
 * OFFSET_OUT_OF_RANGE. The new start offset is checkpointed before the answer.
 *
 * Versions: v1 same as v0; v2 flexible.
 *
 * Errors per partition: UNKNOWN_TOPIC_OR_PARTITION (3), OFFSET_OUT_OF_RANGE (1) for an offset above
 * the high watermark or below -1, NOT_LEADER_OR_FOLLOWER (6) for a partition deleted meanwhile,
 * KAFKA_STORAGE_ERROR (56). low_watermark is -1 on error.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDeleteRecordsRequest, deleteRecordsRequestMeta, type DeleteRecordsRequest } from '../../protocol/generated/messages/delete-records-request.js';
import { encodeDeleteRecordsResponse, type DeleteRecordsPartitionResult, type DeleteRecordsResponse } from '../../protocol/generated/messages/delete-records-response.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

export const deleteRecordsApi = defineApi<DeleteRecordsRequest, DeleteRecordsResponse>({
  meta: deleteRecordsRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: false,
  decode: decodeDeleteRecordsRequest,
  encode: encodeDeleteRecordsResponse,
  async handle(req, ctx) {
    const topics = await Promise.all(req.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map((p) => deleteOne(t.name, p.partitionIndex, Number(p.offset), ctx))),
    })));
    return { throttleTimeMs: 0, topics };
  },
});

async function deleteOne(topic: string, partitionIndex: number, requested: number, ctx: RequestContext): Promise<DeleteRecordsPartitionResult> {
  const partition = ctx.broker.replicas.get(topic, partitionIndex);
  if (partition === undefined) return { partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  const { errorCode, lowWatermark } = await ctx.broker.replicas.deleteRecords(partition, requested, (e) =>
    ctx.broker.log.error(`DeleteRecords on ${topic}-${partitionIndex} failed: ${e instanceof Error ? e.stack : String(e)}`),
  );
  return { partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode };
}
