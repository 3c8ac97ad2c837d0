/**
 * DeleteTopics (key 20), v0-v6.
 *
 * Versions: v1 throttle time; v4 flexible; v5 error messages; v6 topics named by name or id.
 *
 * Errors per topic: UNKNOWN_TOPIC_OR_PARTITION (3), UNKNOWN_TOPIC_ID (100),
 * TOPIC_DELETION_DISABLED (73) when delete.topic.enable=false, INVALID_TOPIC_EXCEPTION (17) for
 * internal topics.
 */
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { decodeDeleteTopicsRequest, deleteTopicsRequestMeta, type DeleteTopicsRequest } from '../../protocol/generated/messages/delete-topics-request.js';
import { encodeDeleteTopicsResponse, type DeleteTopicsResponse } from '../../protocol/generated/messages/delete-topics-response.js';
import { deleteTopicsCommand } from '../../controller/topic-control.js';
import { defineApi } from '../api.js';
import { runAsController } from './controller-apis.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';

const TOPIC_STATES_VERSION = 6;

export const deleteTopicsApi = defineApi<DeleteTopicsRequest, DeleteTopicsResponse>({
  meta: deleteTopicsRequestMeta,
  minVersion: 0,
  maxVersion: 6,
  exclusive: true,
  forwardToController: true,
  decode: decodeDeleteTopicsRequest,
  encode: encodeDeleteTopicsResponse,
  async handle(req, ctx) {
    const specs =
      ctx.apiVersion >= TOPIC_STATES_VERSION
        ? (req.topics ?? []).map((t) => ({ name: t.name ?? null, topicId: t.name == null ? (t.topicId ?? ZERO_UUID) : null }))
        : (req.topicNames ?? []).map((name) => ({ name, topicId: null }));
    const outcomes = await runAsController(ctx, deleteTopicsCommand(specs, ctx.broker.settings.deleteTopicEnable), (m) =>
      specs.map((s) => ({ name: s.name, topicId: s.topicId, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: m })));
    return {
      throttleTimeMs: 0,
      responses: outcomes.map((o) => ({ name: o.name, topicId: o.topicId ?? ZERO_UUID, errorCode: o.errorCode, errorMessage: o.errorMessage })),
    };
  },
});
