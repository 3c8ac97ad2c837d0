/**
 * LeaveGroup (key 13), v0-v5: members leave a group, which then rebalances.
 *
 * Versions: v1 throttle time; v2 same; v3 a batch of members identified by member id and/or
 * group.instance.id, with an error each (KIP-345: an admin may remove static members by instance
 * id alone); v4 flexible; v5 a reason per member (KIP-800).
 *
 * Errors: top level NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14),
 * COORDINATOR_NOT_AVAILABLE (15); per member UNKNOWN_MEMBER_ID (25), FENCED_INSTANCE_ID (82).
 * Before v3 the single member's error is the top-level error.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeLeaveGroupRequest, leaveGroupRequestMeta, type LeaveGroupRequest } from '../../protocol/generated/messages/leave-group-request.js';
import { encodeLeaveGroupResponse, type LeaveGroupResponse } from '../../protocol/generated/messages/leave-group-response.js';
import { defineApi } from '../api.js';

export const leaveGroupApi = defineApi<LeaveGroupRequest, LeaveGroupResponse>({
  meta: leaveGroupRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  exclusive: false,
  decode: decodeLeaveGroupRequest,
  encode: encodeLeaveGroupResponse,
  handle(req, ctx) {
    const v = ctx.apiVersion;
    const leaving = v >= 3
      ? (req.members ?? []).map((m) => ({ memberId: m.memberId ?? '', groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: req.memberId ?? '', groupInstanceId: null }];
    const reasons = (req.members ?? []).map((m) => m.reason).filter((r): r is string => typeof r === 'string');
    const r = ctx.broker.groups.leaveGroup(req.groupId, leaving, reasons[0] ?? null);
    if (v >= 3) return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
    const errorCode = r.errorCode !== ErrorCode.NONE ? r.errorCode : (r.members[0]?.errorCode ?? ErrorCode.NONE);
    return { throttleTimeMs: 0, errorCode };
  },
});
