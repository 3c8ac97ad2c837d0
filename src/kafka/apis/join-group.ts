/**
 * JoinGroup (key 11), v0-v9: a member joins (or rejoins) a classic group and waits until the
 * rebalance completes; the leader gets every member's protocol metadata to compute assignments.
 *
 * Versions: v1 rebalance_timeout_ms (v0: the session timeout is used); v2 throttle time; v3 same;
 * v4 a new member with an empty member id gets MEMBER_ID_REQUIRED and its id, and must join again
 * with it (KIP-394); v5 group_instance_id, static membership (KIP-345); v6 flexible; v7
 * protocol_type in the answer and a nullable protocol_name; v8 reason (KIP-800); v9
 * skip_assignment for a static leader rejoining a stable group (KIP-814).
 *
 * Errors: INVALID_GROUP_ID (24), NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14),
 * COORDINATOR_NOT_AVAILABLE (15), INVALID_SESSION_TIMEOUT (26), UNKNOWN_MEMBER_ID (25),
 * INCONSISTENT_GROUP_PROTOCOL (23), GROUP_MAX_SIZE_REACHED (81), MEMBER_ID_REQUIRED (79),
 * FENCED_INSTANCE_ID (82), REBALANCE_IN_PROGRESS (27) for a superseded parked join.
 */
import { decodeJoinGroupRequest, joinGroupRequestMeta, type JoinGroupRequest } from '../../protocol/generated/messages/join-group-request.js';
import { encodeJoinGroupResponse, type JoinGroupResponse } from '../../protocol/generated/messages/join-group-response.js';
import { defineApi } from '../api.js';
import type { ConnectionInfo } from '../../network/connection.js';

export const joinGroupApi = defineApi<JoinGroupRequest, JoinGroupResponse>({
  meta: joinGroupRequestMeta,
  minVersion: 0,
  maxVersion: 9,
  exclusive: false,
  decode: decodeJoinGroupRequest,
  encode: encodeJoinGroupResponse,
  async handle(req, ctx) {
    const v = ctx.apiVersion;
    const r = await ctx.broker.groups.joinGroup({
      groupId: req.groupId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId ?? null,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx.connection),
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 ? (req.rebalanceTimeoutMs ?? req.sessionTimeoutMs) : req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      requireKnownMemberId: v >= 4,
      reason: req.reason ?? null,
    });
    // Before v7 the protocol name is not nullable (""), from v7 an empty one is sent as null.
    const protocolName = v < 7 ? (r.protocolName ?? '') : r.protocolName === '' ? null : r.protocolName;
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      generationId: r.generationId,
      protocolType: r.protocolType,
      protocolName,
      leader: r.leaderId,
      // Before v9 a static leader rejoining a stable group gets the members and recomputes an
      // assignment the coordinator ignores (the stable group keeps its own).
      skipAssignment: v >= 9 ? r.skipAssignment : false,
      memberId: r.memberId,
      members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});

/** Kafka reports a member's client host as its InetAddress.toString(): "/127.0.0.1". */
function clientHost(connection: ConnectionInfo): string {
  const addr = connection.remoteAddress;
  const colon = addr.lastIndexOf(':');
  const host = colon > 0 ? addr.slice(0, colon) : addr;
  return `/${host.replace(/^::ffff:/, '')}`;
}
