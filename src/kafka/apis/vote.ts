/**
 * Vote (key 52), v0-v2: a candidate (or pre-candidate, v2 KIP-996) of the metadata quorum asks
 * this voter for its vote; the quorum decides (quorum-request.ts has the checks and the errors).
 *
 * Versions: v1 voter id and endpoints (KIP-853); v2 pre-vote. Kafka serves it on the controller
 * listener only (see registry.ts).
 *
 * Errors: top level INCONSISTENT_CLUSTER_ID (104), INVALID_REQUEST (42), UNKNOWN_SERVER_ERROR (-1)
 * when this node takes no quorum requests; the quorum's own per partition.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { decodeVoteRequest, voteRequestMeta, type VoteRequest } from '../../protocol/generated/messages/vote-request.js';
import { encodeVoteResponse, type VoteResponse } from '../../protocol/generated/messages/vote-response.js';
import { defineApi } from '../api.js';
import { askQuorum } from './quorum-request.js';

export const voteApi = defineApi<VoteRequest, VoteResponse>({
  meta: voteRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: false,
  controllerOnly: true,
  decode: decodeVoteRequest,
  encode: encodeVoteResponse,
  async handle(req, ctx) {
    const topics = req.topics.map((t) => ({ name: t.topicName, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const answer = await askQuorum(ctx, { apiKey: ApiKey.Vote, body: req }, req.clusterId, topics);
    return typeof answer === 'number' ? { errorCode: answer, topics: [], nodeEndpoints: [] } : answer.body;
  },
});
