/**
 * ListGroups (key 16), v0-v5: every group this coordinator has.
 *
 * Versions: v1 throttle time; v2 same; v3 flexible; v4 states_filter (case-insensitive) and each
 * group's state (KIP-518); v5 types_filter and each group's type (KIP-848: every group here is
 * "classic").
 *
 * Errors: COORDINATOR_LOAD_IN_PROGRESS (14) while a `__consumer_offsets` partition is loading
 * (the groups of the loaded ones are still listed).
 */
import { decodeListGroupsRequest, listGroupsRequestMeta, type ListGroupsRequest } from '../../protocol/generated/messages/list-groups-request.js';
import { encodeListGroupsResponse, type ListGroupsResponse } from '../../protocol/generated/messages/list-groups-response.js';
import { defineApi } from '../api.js';

const CLASSIC = 'classic';

export const listGroupsApi = defineApi<ListGroupsRequest, ListGroupsResponse>({
  meta: listGroupsRequestMeta,
  minVersion: 0,
  maxVersion: 5,
  exclusive: false,
  decode: decodeListGroupsRequest,
  encode: encodeListGroupsResponse,
  handle(req, ctx) {
    const states = ctx.apiVersion >= 4 ? (req.statesFilter ?? []) : [];
    const types = ctx.apiVersion >= 5 ? (req.typesFilter ?? []).map((t) => t.toLowerCase()) : [];
    const { errorCode, groups } = ctx.broker.groups.listGroups(states);
    const typed = types.length === 0 || types.includes(CLASSIC) ? groups : [];
    return {
      throttleTimeMs: 0,
      errorCode,
      groups: typed.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: CLASSIC })),
    };
  },
});
