/**
 * ElectLeaders (key 43), v0-v2: `kafka-leader-election` and Admin.electLeaders. A controller
 * request: a broker that is not the active controller forwards it; the active controller runs the
 * elections as one command (controller/leader-election.ts) and answers once its records commit.
 *
 * Versions: v0 PREFERRED only (no election type); v1 the election type (0 PREFERRED, 1 UNCLEAN)
 * and a top-level error code; v2 flexible.
 *
 * Errors per partition: ELECTION_NOT_NEEDED (84), PREFERRED_LEADER_NOT_AVAILABLE (80),
 * ELIGIBLE_LEADERS_NOT_AVAILABLE (83), UNKNOWN_TOPIC_OR_PARTITION (3). Top level (v1+, and on
 * every requested partition): NOT_CONTROLLER (41) where no active controller runs, INVALID_REQUEST
 * (42) for an unknown election type. Null topic partitions = every partition; the answer then
 * lists only the partitions that needed an election.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeElectLeadersRequest, electLeadersRequestMeta, type ElectLeadersRequest } from '../../protocol/generated/messages/elect-leaders-request.js';
import { encodeElectLeadersResponse, type ElectLeadersResponse, type ReplicaElectionResult } from '../../protocol/generated/messages/elect-leaders-response.js';
import type { ElectionOutcome, ElectionType } from '../../controller/leader-election.js';
import { defineApi } from '../api.js';
import { onActiveController } from './controller-apis.js';

const ELECTION_TYPES: readonly ElectionType[] = ['preferred', 'unclean'];

export const electLeadersApi = defineApi<ElectLeadersRequest, ElectLeadersResponse>({
  meta: electLeadersRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: true,
  forwardToController: true,
  decode: decodeElectLeadersRequest,
  encode: encodeElectLeadersResponse,
  async handle(req, ctx) {
    const type = ELECTION_TYPES[req.electionType ?? 0];
    if (type === undefined) return failed(req, ErrorCode.INVALID_REQUEST, `Unknown election type ${req.electionType ?? 0}`);
    const requested = req.topicPartitions === null ? null : req.topicPartitions.map((t) => ({ topic: t.topic, partitions: t.partitions }));
    return onActiveController(
      ctx,
      async (control) => ({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: byTopic(await control.electLeaders(type, requested)) }),
      () => failed(req, ErrorCode.NOT_CONTROLLER, null),
    );
  },
});

/** Outcomes grouped by topic, topics in the order they first appear. */
function byTopic(outcomes: readonly ElectionOutcome[]): ReplicaElectionResult[] {
  const topics = new Map<string, ReplicaElectionResult>();
  for (const o of outcomes) {
    let t = topics.get(o.topic);
    if (t === undefined) topics.set(o.topic, (t = { topic: o.topic, partitionResult: [] }));
    t.partitionResult.push({ partitionId: o.partition, errorCode: o.errorCode, errorMessage: o.errorMessage });
  }
  return [...topics.values()];
}

/** Kafka's ElectLeadersRequest.getErrorResponse: the error at the top and on every requested partition. */
function failed(req: ElectLeadersRequest, errorCode: number, errorMessage: string | null): ElectLeadersResponse {
  const results = (req.topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })) }));
  return { throttleTimeMs: 0, errorCode, replicaElectionResults: results };
}
