/**
 * SyncGroup (key 14), v0-v5: after a join, the leader sends the assignments; every member waits
 * for its own. In a stable group it returns the member's current assignment at once.
 *
 * Versions: v1 throttle time; v2 same; v3 group_instance_id (KIP-345); v4 flexible; v5
 * protocol_type and protocol_name in request and answer, checked against the group's.
 *
 * Errors: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14), COORDINATOR_NOT_AVAILABLE (15),
 * UNKNOWN_MEMBER_ID (25), FENCED_INSTANCE_ID (82), ILLEGAL_GENERATION (22),
 * INCONSISTENT_GROUP_PROTOCOL (23), REBALANCE_IN_PROGRESS (27).
 */
import { decodeSyncGroupRequest, syncGroupRequestMeta, type SyncGroupRequest } from '../../protocol/generated/messages/sync-group-request.js';
import { encodeSyncGroupResponse, type SyncGroupResponse } from '../../protocol/generated/messages/sync-group-response.js';
import { defineApi } from '../api.js';

export const syncGroupApi = defineApi<SyncGroupRequest, SyncGroupResponse>({
  meta: syncGroupRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  exclusive: false,
  decode: decodeSyncGroupRequest,
  encode: encodeSyncGroupResponse,
  async handle(req, ctx) {
    const r = await ctx.broker.groups.syncGroup({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      protocolType: ctx.apiVersion >= 5 ? (req.protocolType ?? null) : null,
      protocolName: ctx.apiVersion >= 5 ? (req.protocolName ?? null) : null,
      assignments: req.assignments,
    });
    return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
  },
});
