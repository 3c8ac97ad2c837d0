/**
 * DeleteGroups (key 42), v0-v2: deletes empty groups and their committed offsets (tombstones in
 * `__consumer_offsets`).
 *
 * Versions: v1 same as v0; v2 flexible.
 *
 * Errors per group: INVALID_GROUP_ID (24) is not returned for "" (Kafka allows it and answers
 * GROUP_ID_NOT_FOUND), NOT_COORDINATOR (16), COORDINATOR_LOAD_IN_PROGRESS (14),
 * GROUP_ID_NOT_FOUND (69), NON_EMPTY_GROUP (68).
 */
import { decodeDeleteGroupsRequest, deleteGroupsRequestMeta, type DeleteGroupsRequest } from '../../protocol/generated/messages/delete-groups-request.js';
import { encodeDeleteGroupsResponse, type DeleteGroupsResponse } from '../../protocol/generated/messages/delete-groups-response.js';
import { defineApi } from '../api.js';

export const deleteGroupsApi = defineApi<DeleteGroupsRequest, DeleteGroupsResponse>({
  meta: deleteGroupsRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: false,
  decode: decodeDeleteGroupsRequest,
  encode: encodeDeleteGroupsResponse,
  async handle(req, ctx) {
    const results = await ctx.broker.groups.deleteGroups(req.groupsNames);
    return { throttleTimeMs: 0, results };
  },
});
