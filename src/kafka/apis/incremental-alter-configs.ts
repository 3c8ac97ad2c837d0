/**
 * IncrementalAlterConfigs (key 44), v0-v1 (KIP-339): per-key SET (0), DELETE (1), APPEND (2) and
 * SUBTRACT (3) on a TOPIC's or BROKER's configs (APPEND/SUBTRACT only on LIST keys such as
 * cleanup.policy; their base is the explicit value, else the key's default). Applied through the
 * controller as ConfigRecords: live at once, and replayed after a restart.
 *
 * Versions: v1 flexible.
 *
 * Errors per resource: INVALID_CONFIG (40), INVALID_REQUEST (42), UNKNOWN_TOPIC_OR_PARTITION (3),
 * INVALID_TOPIC_EXCEPTION (17): see controller/config-control.ts.
 */
import { decodeIncrementalAlterConfigsRequest, incrementalAlterConfigsRequestMeta, type IncrementalAlterConfigsRequest } from '../../protocol/generated/messages/incremental-alter-configs-request.js';
import { encodeIncrementalAlterConfigsResponse, type IncrementalAlterConfigsResponse } from '../../protocol/generated/messages/incremental-alter-configs-response.js';
import { alterConfigsCommand } from '../../controller/config-control.js';
import { defineApi } from '../api.js';
import { runAsController } from './controller-apis.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';

export const incrementalAlterConfigsApi = defineApi<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
  meta: incrementalAlterConfigsRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: false,
  forwardToController: true,
  decode: decodeIncrementalAlterConfigsRequest,
  encode: encodeIncrementalAlterConfigsResponse,
  async handle(req, ctx) {
    const specs = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value })),
    }));
    const outcomes = await runAsController(ctx, alterConfigsCommand(specs, true, req.validateOnly, ctx.broker.configs), (m) =>
      specs.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: m })));
    return { throttleTimeMs: 0, responses: outcomes };
  },
});
