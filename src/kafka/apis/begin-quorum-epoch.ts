/**
 * BeginQuorumEpoch (key 53), v0-v1: a newly elected leader of the metadata quorum tells this voter
 * of its epoch; the quorum handles it (quorum-request.ts has the checks and the errors).
 *
 * Versions: v1 flexible, voter id and leader endpoints (KIP-853). Kafka serves it on the
 * controller listener only (see registry.ts).
 *
 * Errors: top level INCONSISTENT_CLUSTER_ID (104), INVALID_REQUEST (42), UNKNOWN_SERVER_ERROR (-1)
 * when this node takes no quorum requests; the quorum's own per partition.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { beginQuorumEpochRequestMeta, decodeBeginQuorumEpochRequest, type BeginQuorumEpochRequest } from '../../protocol/generated/messages/begin-quorum-epoch-request.js';
import { encodeBeginQuorumEpochResponse, type BeginQuorumEpochResponse } from '../../protocol/generated/messages/begin-quorum-epoch-response.js';
import { defineApi } from '../api.js';
import { askQuorum } from './quorum-request.js';

export const beginQuorumEpochApi = defineApi<BeginQuorumEpochRequest, BeginQuorumEpochResponse>({
  meta: beginQuorumEpochRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  controllerOnly: true,
  decode: decodeBeginQuorumEpochRequest,
  encode: encodeBeginQuorumEpochResponse,
  async handle(req, ctx) {
    const topics = req.topics.map((t) => ({ name: t.topicName, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const answer = await askQuorum(ctx, { apiKey: ApiKey.BeginQuorumEpoch, body: req }, req.clusterId, topics);
    return typeof answer === 'number' ? { errorCode: answer, topics: [], nodeEndpoints: [] } : answer.body;
  },
});
