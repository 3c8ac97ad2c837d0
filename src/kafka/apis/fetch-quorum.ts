/**
 * A Fetch of the metadata topic `__cluster_metadata` (topic id 0...01 from v13, by name before):
 * a voter replicating the metadata quorum's log, answered by the quorum (the Raft core decides the
 * records, the diverging epoch or the snapshot to fetch), not by the partition path. Errors as
 * quorum-request.ts says, at the top level with no topics.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import type { FetchRequest } from '../../protocol/generated/messages/fetch-request.js';
import type { FetchResponse } from '../../protocol/generated/messages/fetch-response.js';
import { METADATA_TOPIC } from '../../controller/metadata-log.js';
import { METADATA_TOPIC_ID } from '../../controller/raft-wire.js';
import type { RequestContext } from '../context.js';
import { askQuorum } from './quorum-request.js';

const TOPIC_IDS_VERSION = 13;

/** Whether the request fetches the metadata topic (then the quorum answers all of it). */
export function fetchesMetadataTopic(req: FetchRequest, version: number): boolean {
  return req.topics.some((t) => (version >= TOPIC_IDS_VERSION ? t.topicId === METADATA_TOPIC_ID : t.topic === METADATA_TOPIC));
}

export async function quorumFetch(req: FetchRequest, ctx: RequestContext): Promise<FetchResponse> {
  const byId = ctx.apiVersion >= TOPIC_IDS_VERSION;
  const topics = req.topics.map((t) => ({ name: byId ? null : t.topic, id: byId ? t.topicId : null, partitions: t.partitions.map((p) => p.partition) }));
  const answer = await askQuorum(ctx, { apiKey: ApiKey.Fetch, body: req }, req.clusterId, topics);
  if (typeof answer === 'number') return { throttleTimeMs: 0, errorCode: answer, sessionId: 0, responses: [] };
  // The quorum names the topic by id; a fetch before v13 reads it by name.
  return { ...answer.body, responses: answer.body.responses.map((r) => ({ ...r, topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID })) };
}
