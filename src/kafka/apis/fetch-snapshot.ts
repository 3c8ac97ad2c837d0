/**
 * FetchSnapshot (key 59), v0-v1: a voter behind the metadata quorum leader's log start reads the
 * leader's snapshot in chunks; the quorum answers (quorum-request.ts has the checks and the
 * errors).
 *
 * Versions: v1 replica directory id and leader endpoints (KIP-853). Kafka serves it on the
 * controller listener only (see registry.ts).
 *
 * Errors: top level INCONSISTENT_CLUSTER_ID (104), INVALID_REQUEST (42), UNKNOWN_SERVER_ERROR (-1)
 * when this node takes no quorum requests; the quorum's own per partition.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { decodeFetchSnapshotRequest, fetchSnapshotRequestMeta, type FetchSnapshotRequest } from '../../protocol/generated/messages/fetch-snapshot-request.js';
import { encodeFetchSnapshotResponse, type FetchSnapshotResponse } from '../../protocol/generated/messages/fetch-snapshot-response.js';
import { defineApi } from '../api.js';
import { askQuorum } from './quorum-request.js';

export const fetchSnapshotApi = defineApi<FetchSnapshotRequest, FetchSnapshotResponse>({
  meta: fetchSnapshotRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  controllerOnly: true,
  decode: decodeFetchSnapshotRequest,
  encode: encodeFetchSnapshotResponse,
  async handle(req, ctx) {
    const topics = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) }));
    const answer = await askQuorum(ctx, { apiKey: ApiKey.FetchSnapshot, body: req }, req.clusterId, topics);
    return typeof answer === 'number' ? { throttleTimeMs: 0, errorCode: answer, topics: [], nodeEndpoints: [] } : answer.body;
  },
});
