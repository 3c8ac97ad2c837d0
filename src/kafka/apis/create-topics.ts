/**
 * CreateTopics (key 19), v0-v7.
 *
 * Versions: v1 validate_only and error messages; v2 throttle time; v4 default partitions and
 * replication factor (-1); v5 flexible, the created topic's configs, partitions and replication
 * factor in the answer; v7 topic ids.
 *
 * Errors per topic: INVALID_TOPIC_EXCEPTION (17), TOPIC_ALREADY_EXISTS (36), INVALID_PARTITIONS
 * (37), INVALID_REPLICATION_FACTOR (38), INVALID_REPLICA_ASSIGNMENT (39), INVALID_CONFIG (40),
 * INVALID_REQUEST (42) for a topic named twice.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { createTopicsRequestMeta, decodeCreateTopicsRequest, type CreateTopicsRequest } from '../../protocol/generated/messages/create-topics-request.js';
import { encodeCreateTopicsResponse, type CreatableTopicConfigs, type CreateTopicsResponse } from '../../protocol/generated/messages/create-topics-response.js';
import { createTopicsCommand } from '../../controller/topic-control.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';
import { topicDefaults } from '../auto-create.js';
import { runAsController } from './controller-apis.js';

export const createTopicsApi = defineApi<CreateTopicsRequest, CreateTopicsResponse>({
  meta: createTopicsRequestMeta,
  minVersion: 0,
  maxVersion: 7,
  exclusive: true,
  forwardToController: true,
  decode: decodeCreateTopicsRequest,
  encode: encodeCreateTopicsResponse,
  async handle(req, ctx) {
    const specs = req.topics.map((t) => ({
      name: t.name,
      numPartitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
      assignments: t.assignments,
      configs: t.configs,
    }));
    const validateOnly = req.validateOnly ?? false;
    const outcomes = await runAsController(ctx, createTopicsCommand(specs, validateOnly, topicDefaults(ctx.broker)), (m) =>
      specs.map((s) => ({ name: s.name, topicId: null, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: m, numPartitions: -1, replicationFactor: -1 })));
    return {
      throttleTimeMs: 0,
      topics: outcomes.map((o) => ({
        name: o.name,
        topicId: o.topicId ?? ZERO_UUID,
        errorCode: o.errorCode,
        errorMessage: o.errorMessage,
        topicConfigErrorCode: ErrorCode.NONE,
        numPartitions: o.numPartitions,
        replicationFactor: o.replicationFactor,
        configs: o.errorCode === ErrorCode.NONE ? describeCreated(o.name, specs, ctx) : null,
      })),
    };
  },
});

/** v5+: the new topic's effective configs, as DescribeConfigs would list them. */
function describeCreated(name: string, specs: readonly { name: string; configs: readonly { name: string; value: string | null }[] }[], ctx: RequestContext): CreatableTopicConfigs[] {
  if (ctx.apiVersion < 5) return [];
  const overrides = new Map<string, string>();
  for (const c of specs.find((s) => s.name === name)?.configs ?? []) if (c.value !== null) overrides.set(c.name, c.value);
  return ctx.broker.configs.describeTopic(overrides).map((c) => ({
    name: c.name,
    value: c.isSensitive ? null : c.value,
    readOnly: c.readOnly,
    configSource: c.source,
    isSensitive: c.isSensitive,
  }));
}
