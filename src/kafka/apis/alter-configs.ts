/**
 * AlterConfigs (key 33), v0-v2: replaces a TOPIC's or BROKER's whole set of explicit configs (keys
 * not named go back to their defaults), validated and applied through the controller as
 * ConfigRecords; changes take effect at once and survive a restart.
 *
 * Versions: v1 same as v0; v2 flexible.
 *
 * Errors per resource: INVALID_CONFIG (40), INVALID_REQUEST (42), UNKNOWN_TOPIC_OR_PARTITION (3),
 * INVALID_TOPIC_EXCEPTION (17): see controller/config-control.ts.
 */
import { alterConfigsRequestMeta, decodeAlterConfigsRequest, type AlterConfigsRequest } from '../../protocol/generated/messages/alter-configs-request.js';
import { encodeAlterConfigsResponse, type AlterConfigsResponse } from '../../protocol/generated/messages/alter-configs-response.js';
import { AlterConfigOp, alterConfigsCommand } from '../../controller/config-control.js';
import { defineApi } from '../api.js';
import { runAsController } from './controller-apis.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';

export const alterConfigsApi = defineApi<AlterConfigsRequest, AlterConfigsResponse>({
  meta: alterConfigsRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: false,
  forwardToController: true,
  decode: decodeAlterConfigsRequest,
  encode: encodeAlterConfigsResponse,
  async handle(req, ctx) {
    const specs = req.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: r.configs.map((c) => ({ name: c.name, op: AlterConfigOp.SET, value: c.value })),
    }));
    const outcomes = await runAsController(ctx, alterConfigsCommand(specs, false, req.validateOnly, ctx.broker.configs), (m) =>
      specs.map((r) => ({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: m })));
    return { throttleTimeMs: 0, responses: outcomes };
  },
});
