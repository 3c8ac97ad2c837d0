/**
 * EndQuorumEpoch (key 54), v0-v1: a resigning leader of the metadata quorum tells this voter to
 * start an election (its preferred successors first); the quorum handles it (quorum-request.ts has
 * the checks and the errors).
 *
 * Versions: v1 flexible, preferred candidates with directory ids, leader endpoints (KIP-853).
 * Kafka serves it on the controller listener only (see registry.ts).
 *
 * Errors: top level INCONSISTENT_CLUSTER_ID (104), INVALID_REQUEST (42), UNKNOWN_SERVER_ERROR (-1)
 * when this node takes no quorum requests; the quorum's own per partition.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { decodeEndQuorumEpochRequest, endQuorumEpochRequestMeta, type EndQuorumEpochRequest } from '../../protocol/generated/messages/end-quorum-epoch-request.js';
import { encodeEndQuorumEpochResponse, type EndQuorumEpochResponse } from '../../protocol/generated/messages/end-quorum-epoch-response.js';
import { defineApi } from '../api.js';
import { askQuorum } from './quorum-request.js';

export const endQuorumEpochApi = defineApi<EndQuorumEpochRequest, EndQuorumEpochResponse>({
  meta: endQuorumEpochRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  controllerOnly: true,
  decode: decodeEndQuorumEpochRequest,
  encode: encodeEndQuorumEpochResponse,
  async handle(req, ctx) {
    const topics = req.topics.map((t) => ({ name: t.topicName, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const answer = await askQuorum(ctx, { apiKey: ApiKey.EndQuorumEpoch, body: req }, req.clusterId, topics);
    return typeof answer === 'number' ? { errorCode: answer, topics: [], nodeEndpoints: [] } : answer.body;
  },
});
