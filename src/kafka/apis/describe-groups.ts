/**
 * DescribeGroups (key 15), v0-v5: state, protocol and members of groups. A group that does not
 * exist is described as Dead with no error, as Kafka's classic coordinator does. Member metadata
 * and assignments are given only for a Stable group.
 *
 * Versions: v1 throttle time; v2 same; v3 authorized operations on request (KIP-430); v4 members'
 * group_instance_id (KIP-345); v5 flexible.
 *
 * Errors per group: NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14).
 */
import { decodeDescribeGroupsRequest, describeGroupsRequestMeta, type DescribeGroupsRequest } from '../../protocol/generated/messages/describe-groups-request.js';
import { encodeDescribeGroupsResponse, type DescribeGroupsResponse } from '../../protocol/generated/messages/describe-groups-response.js';
import { defineApi } from '../api.js';

/** Integer.MIN_VALUE: authorized operations not requested. */
const OPERATIONS_OMITTED = -2147483648;
/** READ (3), DELETE (6), DESCRIBE (8): what a group ACL can allow; there is no authorizer, so all are. */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export const describeGroupsApi = defineApi<DescribeGroupsRequest, DescribeGroupsResponse>({
  meta: describeGroupsRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  exclusive: false,
  decode: decodeDescribeGroupsRequest,
  encode: encodeDescribeGroupsResponse,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((id) => {
        const g = ctx.broker.groups.describeGroup(id);
        return {
          errorCode: g.errorCode,
          groupId: g.groupId,
          groupState: g.state,
          protocolType: g.protocolType,
          protocolData: g.protocolData,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: req.includeAuthorizedOperations === true ? GROUP_OPERATIONS : OPERATIONS_OMITTED,
        };
      }),
    };
  },
});
