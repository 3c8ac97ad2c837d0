/**
 * Metadata (key 3), v0-v12: brokers, cluster id, controller, and each topic's partitions with
 * leader, replicas and ISR.
 *
 * Versions: v1 null topics = all (v0: empty = all), controller id, rack, is_internal; v2 cluster
 * id; v4 allow_auto_topic_creation; v5 offline replicas; v7 leader epoch; v8 authorized
 * operations (we answer "not provided", Integer.MIN_VALUE); v9 flexible; v10 topic ids; v11 drops
 * cluster authorized operations; v12 topics may be named by id alone.
 *
 * Errors per topic: UNKNOWN_TOPIC_OR_PARTITION (3), INVALID_TOPIC_EXCEPTION (17),
 * UNKNOWN_TOPIC_ID (100), or the auto-creation error.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { decodeMetadataRequest, metadataRequestMeta, type MetadataRequest } from '../../protocol/generated/messages/metadata-request.js';
import {
  encodeMetadataResponse,
  type MetadataResponse,
  type MetadataResponseTopic,
} from '../../protocol/generated/messages/metadata-response.js';
import type { TopicImage } from '../../metadata/metadata-image.js';
import { isInternalTopic, topicNameProblem } from '../../controller/topic-names.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';
import { autoCreateTopics } from '../auto-create.js';
import { liveBrokers, visibleControllerId } from '../live-brokers.js';

/** Kafka's "authorized operations not requested" marker. */
const OPERATIONS_OMITTED = -2147483648;

export const metadataApi = defineApi<MetadataRequest, MetadataResponse>({
  meta: metadataRequestMeta,
  minVersion: 0,
  maxVersion: 12,
  exclusive: false,
  decode: decodeMetadataRequest,
  encode: encodeMetadataResponse,
  async handle(req, ctx) {
    const { broker } = ctx;
    const allTopics = req.topics === null || (ctx.apiVersion === 0 && req.topics.length === 0);
    const topics = allTopics ? [...broker.image.topicsByName.values()].map((t) => describeTopic(t)) : await describeRequested(req, ctx);
    return {
      throttleTimeMs: 0,
      brokers: liveBrokers(broker, ctx.connection.listenerName),
      clusterId: broker.settings.clusterId,
      controllerId: visibleControllerId(broker),
      topics,
      clusterAuthorizedOperations: OPERATIONS_OMITTED,
    };
  },
});

async function describeRequested(req: MetadataRequest, ctx: RequestContext): Promise<MetadataResponseTopic[]> {
  const { image } = ctx.broker;
  const requested = req.topics ?? [];
  const missing = requested
    .map((t) => t.name)
    .filter((n): n is string => n !== null && !image.topicsByName.has(n) && topicNameProblem(n) === null);
  const autoCreate = ctx.broker.settings.autoCreateTopics && (req.allowAutoTopicCreation ?? true);
  const creationErrors = new Map<string, MetadataResponseTopic>();
  if (autoCreate && missing.length > 0) {
    for (const outcome of await autoCreateTopics(ctx.broker, [...new Set(missing)])) {
      // Created by another node's controller, not in this node's image yet: Kafka's answer for a
      // topic just created, which clients retry.
      const code = outcome.errorCode === ErrorCode.NONE || outcome.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ? ErrorCode.LEADER_NOT_AVAILABLE : outcome.errorCode;
      creationErrors.set(outcome.name, errorTopic(outcome.name, code));
    }
  }
  return requested.map((t) => {
    if (t.name === null) {
      const byId = image.topicsById.get(t.topicId ?? ZERO_UUID);
      return byId === undefined ? { ...errorTopic(null, ErrorCode.UNKNOWN_TOPIC_ID), topicId: t.topicId ?? ZERO_UUID } : describeTopic(byId);
    }
    const topic = image.topicsByName.get(t.name);
    if (topic !== undefined) return describeTopic(topic);
    if (topicNameProblem(t.name) !== null) return errorTopic(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION);
    return creationErrors.get(t.name) ?? errorTopic(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
}

function describeTopic(topic: TopicImage): MetadataResponseTopic {
  const partitions = [...topic.partitions.values()]
    .sort((a, b) => a.partitionId - b.partitionId)
    .map((p) => ({
      errorCode: p.leader < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partitionId,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: [],
    }));
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: OPERATIONS_OMITTED,
  };
}

function errorTopic(name: string | null, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_OMITTED };
}
