/**
 * OffsetDelete (key 47), v0: deletes committed offsets of a group (KIP-496), with tombstones in
 * `__consumer_offsets`. A consumer group that has members may only lose offsets of topics it is
 * not subscribed to.
 *
 * Errors: top level INVALID_GROUP_ID (24), NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14),
 * GROUP_ID_NOT_FOUND (69), NON_EMPTY_GROUP (68) for a non-consumer group with members; per
 * partition GROUP_SUBSCRIBED_TO_TOPIC (86), UNKNOWN_TOPIC_OR_PARTITION (3).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeOffsetDeleteRequest, offsetDeleteRequestMeta, type OffsetDeleteRequest } from '../../protocol/generated/messages/offset-delete-request.js';
import { encodeOffsetDeleteResponse, type OffsetDeleteResponse } from '../../protocol/generated/messages/offset-delete-response.js';
import { defineApi } from '../api.js';

export const offsetDeleteApi = defineApi<OffsetDeleteRequest, OffsetDeleteResponse>({
  meta: offsetDeleteRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: false,
  decode: decodeOffsetDeleteRequest,
  encode: encodeOffsetDeleteResponse,
  async handle(req, ctx) {
    const image = ctx.broker.image;
    const exists = (topic: string, p: number) => image.topicsByName.get(topic)?.partitions.has(p) === true;
    const known = req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex).filter((p) => exists(t.name, p)) }));
    const r = await ctx.broker.groups.deleteOffsets(req.groupId, known);
    if (r.errorCode !== ErrorCode.NONE) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
    const codes = new Map<string, number>();
    for (const t of r.topics) for (const p of t.partitions) codes.set(`${t.topic}\0${p.partition}`, p.errorCode);
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(`${t.name}\0${p.partitionIndex}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION })),
      })),
    };
  },
});
