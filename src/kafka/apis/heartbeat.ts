/**
 * Heartbeat (key 12), v0-v4: a member says it is alive; the answer tells it to rejoin when a
 * rebalance started.
 *
 * Versions: v1 throttle time; v2 same; v3 group_instance_id (KIP-345); v4 flexible.
 *
 * Errors: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * UNKNOWN_MEMBER_ID (25), FENCED_INSTANCE_ID (82), ILLEGAL_GENERATION (22),
 * REBALANCE_IN_PROGRESS (27).
 */
import { decodeHeartbeatRequest, heartbeatRequestMeta, type HeartbeatRequest } from '../../protocol/generated/messages/heartbeat-request.js';
import { encodeHeartbeatResponse, type HeartbeatResponse } from '../../protocol/generated/messages/heartbeat-response.js';
import { defineApi } from '../api.js';

export const heartbeatApi = defineApi<HeartbeatRequest, HeartbeatResponse>({
  meta: heartbeatRequestMeta,
  minVersion: 0,
  maxVersion: 4,
  exclusive: false,
  decode: decodeHeartbeatRequest,
  encode: encodeHeartbeatResponse,
  handle(req, ctx) {
    const errorCode = ctx.broker.groups.heartbeat(req.groupId, req.memberId, req.groupInstanceId ?? null, req.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
