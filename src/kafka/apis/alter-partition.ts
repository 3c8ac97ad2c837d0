/**
 * AlterPartition (key 56), v2-v3: a partition leader asks the active controller to change the
 * partition's ISR (controller/alter-partition-control.ts has the checks and their error codes).
 * Partitions are named by topic id (v2+); v3 gives each ISR member's broker epoch.
 *
 * Errors: NOT_CONTROLLER (41) for the whole request on a node that is not the active controller,
 * STALE_BROKER_EPOCH (77) for the whole request; per partition UNKNOWN_TOPIC_ID (100),
 * UNKNOWN_TOPIC_OR_PARTITION (3), NOT_CONTROLLER (41), FENCED_LEADER_EPOCH (74), INVALID_REQUEST
 * (42), INVALID_UPDATE_VERSION (95), INELIGIBLE_REPLICA (107), NEW_LEADER_ELECTED (108).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { alterPartitionRequestMeta, decodeAlterPartitionRequest, type AlterPartitionRequest } from '../../protocol/generated/messages/alter-partition-request.js';
import { encodeAlterPartitionResponse, type AlterPartitionResponse } from '../../protocol/generated/messages/alter-partition-response.js';
import { defineApi } from '../api.js';
import { onActiveController } from './controller-apis.js';

export const alterPartitionApi = defineApi<AlterPartitionRequest, AlterPartitionResponse>({
  meta: alterPartitionRequestMeta,
  minVersion: 2,
  maxVersion: 3,
  exclusive: false,
  decode: decodeAlterPartitionRequest,
  encode: encodeAlterPartitionResponse,
  handle(req, ctx) {
    return onActiveController(
      ctx,
      (control) => control.alterPartition(req, ctx.apiVersion),
      () => ({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, topics: [] }),
    );
  },
});
