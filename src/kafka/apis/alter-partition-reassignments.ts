/**
 * AlterPartitionReassignments (key 45), v0-v1 (flexible): `kafka-reassign-partitions --execute`
 * and `--cancel`, Admin.alterPartitionReassignments. A controller request: brokers forward it; the
 * active controller starts, changes or (null replicas) cancels each partition's reassignment as
 * one command (controller/partition-reassignments.ts) and answers once its records commit.
 *
 * v1 adds allowReplicationFactorChange (default true). Errors per partition:
 * UNKNOWN_TOPIC_OR_PARTITION (3), INVALID_REPLICA_ASSIGNMENT (39), INVALID_REPLICATION_FACTOR (38),
 * NO_REASSIGNMENT_IN_PROGRESS (85). Top level: NOT_CONTROLLER (41) where no active controller
 * runs (also on every partition, as Kafka's getErrorResponse).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { alterPartitionReassignmentsRequestMeta, decodeAlterPartitionReassignmentsRequest, type AlterPartitionReassignmentsRequest } from '../../protocol/generated/messages/alter-partition-reassignments-request.js';
import { encodeAlterPartitionReassignmentsResponse, type AlterPartitionReassignmentsResponse, type ReassignableTopicResponse } from '../../protocol/generated/messages/alter-partition-reassignments-response.js';
import type { ReassignmentOutcome } from '../../controller/partition-reassignments.js';
import { defineApi } from '../api.js';
import { onActiveController } from './controller-apis.js';

export const alterPartitionReassignmentsApi = defineApi<AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse>({
  meta: alterPartitionReassignmentsRequestMeta,
  minVersion: 0,
  maxVersion: 1,
  exclusive: true,
  forwardToController: true,
  decode: decodeAlterPartitionReassignmentsRequest,
  encode: encodeAlterPartitionReassignmentsResponse,
  async handle(req, ctx) {
    const requested = req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => ({ partition: p.partitionIndex, replicas: p.replicas })) }));
    const allowRfChange = req.allowReplicationFactorChange ?? true;
    return onActiveController(
      ctx,
      async (control) => ({ throttleTimeMs: 0, allowReplicationFactorChange: allowRfChange, errorCode: ErrorCode.NONE, errorMessage: null, responses: byTopic(await control.alterReassignments(requested, allowRfChange)) }),
      () => failed(req, ErrorCode.NOT_CONTROLLER),
    );
  },
});

/** Outcomes grouped by topic, topics in the order they first appear. */
function byTopic(outcomes: readonly ReassignmentOutcome[]): ReassignableTopicResponse[] {
  const topics = new Map<string, ReassignableTopicResponse>();
  for (const o of outcomes) {
    let t = topics.get(o.topic);
    if (t === undefined) topics.set(o.topic, (t = { name: o.topic, partitions: [] }));
    t.partitions.push({ partitionIndex: o.partition, errorCode: o.errorCode, errorMessage: o.errorMessage });
  }
  return [...topics.values()];
}

function failed(req: AlterPartitionReassignmentsRequest, errorCode: number): AlterPartitionReassignmentsResponse {
  const responses = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, errorMessage: null })) }));
  return { throttleTimeMs: 0, allowReplicationFactorChange: req.allowReplicationFactorChange ?? true, errorCode, errorMessage: null, responses };
}
