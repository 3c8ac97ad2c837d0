/**
 * OffsetFetch (key 9), v0-v9: a group's committed offsets; -1 (and metadata "") for a partition
 * without a commit.
 *
 * Versions: v1 offsets from `__consumer_offsets` (v0 meant ZooKeeper; served the same here); v2
 * null topics = every committed offset of the group, and a top-level error code; v3 throttle
 * time; v4-v5 same (v5 committed leader epoch); v6 flexible; v7 require_stable (a partition
 * with a transactional offset commit pending gets UNSTABLE_OFFSET_COMMIT (88), retriable); v8 many groups in one request (KIP-709); v9
 * member id / member epoch (KIP-848; classic groups ignore them).
 *
 * Errors: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14) — per partition before v2, top
 * level v2-v7, per group from v8.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeOffsetFetchRequest, offsetFetchRequestMeta, type OffsetFetchRequest } from '../../protocol/generated/messages/offset-fetch-request.js';
import { encodeOffsetFetchResponse, type OffsetFetchResponse, type OffsetFetchResponseTopic } from '../../protocol/generated/messages/offset-fetch-response.js';
import type { FetchResult } from '../../coordinator/group/group-coordinator.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

type Wanted = { topic: string; partitions: number[] }[] | null;

export const offsetFetchApi = defineApi<OffsetFetchRequest, OffsetFetchResponse>({
  meta: offsetFetchRequestMeta,
  minVersion: 0,
  maxVersion: 9,
  exclusive: false,
  decode: decodeOffsetFetchRequest,
  encode: encodeOffsetFetchResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    if (v >= 8) {
      const groups = await Promise.all(
        (req.groups ?? []).map(async (g) => {
          const wanted: Wanted = g.topics === null || g.topics === undefined ? null : g.topics.map((t) => ({ topic: t.name ?? '', partitions: t.partitionIndexes ?? [] }));
          const r = await fetch(g.groupId ?? '', wanted, ctx, req.requireStable ?? false);
          return { groupId: g.groupId ?? '', errorCode: r.errorCode, topics: toTopics(r, wanted) };
        }),
      );
      return { throttleTimeMs: 0, groups };
    }
    const wanted: Wanted = req.topics === null || req.topics === undefined ? null : req.topics.map((t) => ({ topic: t.name ?? '', partitions: t.partitionIndexes ?? [] }));
    const r = await fetch(req.groupId ?? '', v >= 2 ? wanted : (wanted ?? []), ctx, v >= 7 ? (req.requireStable ?? false) : false);
    if (v < 2) {
      // No top-level error before v2: each requested partition carries it.
      return { throttleTimeMs: 0, topics: toTopics(r, wanted ?? []).map((t) => ({ ...t, partitions: (t.partitions ?? []).map((p) => ({ ...p, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : p.errorCode })) })) };
    }
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: toTopics(r, wanted) };
  },
});

function fetch(groupId: string, wanted: Wanted, ctx: RequestContext, requireStable: boolean): Promise<FetchResult> {
  return ctx.broker.groups.fetchOffsets(groupId, wanted, requireStable);
}

/** The answer's topics; on a group-level error, the requested partitions with offset -1. */
function toTopics(r: FetchResult, wanted: Wanted): OffsetFetchResponseTopic[] {
  if (r.errorCode !== ErrorCode.NONE) {
    return (wanted ?? []).map((t) => ({ name: t.topic, partitions: t.partitions.map((p) => ({ partitionIndex: p, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE })) }));
  }
  return r.topics.map((t) => ({
    name: t.topic,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedLeaderEpoch: p.leaderEpoch, metadata: p.metadata, errorCode: p.errorCode })),
  }));
}
