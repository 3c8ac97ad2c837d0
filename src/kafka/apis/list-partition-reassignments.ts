/**
 * ListPartitionReassignments (key 46), v0 (flexible): the ongoing reassignments
 * (`kafka-reassign-partitions --list`, `--verify`, Admin.listPartitionReassignments). A controller
 * request: brokers forward it; the active controller answers from its image, in its command queue
 * (controller/partition-reassignments.ts). Null topics = every ongoing reassignment.
 *
 * Errors (top level): NOT_CONTROLLER (41) where no active controller runs.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeListPartitionReassignmentsRequest, listPartitionReassignmentsRequestMeta, type ListPartitionReassignmentsRequest } from '../../protocol/generated/messages/list-partition-reassignments-request.js';
import { encodeListPartitionReassignmentsResponse, type ListPartitionReassignmentsResponse, type OngoingTopicReassignment } from '../../protocol/generated/messages/list-partition-reassignments-response.js';
import { NotControllerError } from '../../controller/controller.js';
import { listReassignmentsCommand } from '../../controller/partition-reassignments.js';
import { defineApi } from '../api.js';

export const listPartitionReassignmentsApi = defineApi<ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse>({
  meta: listPartitionReassignmentsRequestMeta,
  minVersion: 0,
  maxVersion: 0,
  exclusive: true,
  forwardToController: true,
  decode: decodeListPartitionReassignmentsRequest,
  encode: encodeListPartitionReassignmentsResponse,
  async handle(req, ctx) {
    const requested = req.topics === null ? null : req.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes }));
    try {
      const ongoing = await ctx.broker.controller.run(listReassignmentsCommand(requested));
      const topics = new Map<string, OngoingTopicReassignment>();
      for (const o of ongoing) {
        let t = topics.get(o.topic);
        if (t === undefined) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
        t.partitions.push({ partitionIndex: o.partition, replicas: o.replicas, addingReplicas: o.addingReplicas, removingReplicas: o.removingReplicas });
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [...topics.values()] };
    } catch (e) {
      if (!(e instanceof NotControllerError)) throw e;
      return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null, topics: [] };
    }
  },
});
