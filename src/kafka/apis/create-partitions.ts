/**
 * CreatePartitions (key 37), v0-v3: grows a topic's partition count.
 *
 * Versions: v1 same as v0 (throttle semantics); v2 flexible; v3 same as v2.
 *
 * Errors per topic: UNKNOWN_TOPIC_OR_PARTITION (3), INVALID_PARTITIONS (37) for a count that is
 * not an increase, INVALID_REPLICA_ASSIGNMENT (39).
 */
import { createPartitionsRequestMeta, decodeCreatePartitionsRequest, type CreatePartitionsRequest } from '../../protocol/generated/messages/create-partitions-request.js';
import { encodeCreatePartitionsResponse, type CreatePartitionsResponse } from '../../protocol/generated/messages/create-partitions-response.js';
import { createPartitionsCommand } from '../../controller/topic-control.js';
import { defineApi } from '../api.js';
import { topicDefaults } from '../auto-create.js';
import { runAsController } from './controller-apis.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';

export const createPartitionsApi = defineApi<CreatePartitionsRequest, CreatePartitionsResponse>({
  meta: createPartitionsRequestMeta,
  minVersion: 0,
  maxVersion: 3,
  exclusive: true,
  forwardToController: true,
  decode: decodeCreatePartitionsRequest,
  encode: encodeCreatePartitionsResponse,
  async handle(req, ctx) {
    const specs = req.topics.map((t) => ({ name: t.name, count: t.count, assignments: t.assignments === null ? null : t.assignments.map((a) => a.brokerIds) }));
    const results = await runAsController(ctx, createPartitionsCommand(specs, req.validateOnly, topicDefaults(ctx.broker)), (m) =>
      specs.map((s) => ({ name: s.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: m })));
    return { throttleTimeMs: 0, results };
  },
});
