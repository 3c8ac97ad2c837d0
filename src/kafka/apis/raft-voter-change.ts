/**
 * What AddRaftVoter and RemoveRaftVoter (KIP-853) share: the checks Kafka's KafkaRaftClient makes
 * before the quorum's leader takes the change, and waiting for its answer. A cluster id other
 * than ours (null is accepted) is INCONSISTENT_CLUSTER_ID (104); a node whose quorum takes no
 * voter changes, or is not the leader, answers NOT_LEADER_OR_FOLLOWER (6), retriable, so the admin
 * client looks for the active controller again (a broker forwards the request to it, as Kafka's).
 * The change itself answers as raft/reconfiguration.ts says; an answer not in within the
 * request's timeout is REQUEST_TIMED_OUT (7) (the change may still commit).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { MetadataQuorum, VoterChangeAnswer } from '../../controller/metadata-quorum.js';
import type { RequestContext } from '../context.js';

/** Kafka's default.api.timeout.ms, for RemoveRaftVoter (which carries no timeout). */
const DEFAULT_TIMEOUT_MS = 60_000;

export async function changeVoters(
  ctx: RequestContext, clusterId: string | null, timeoutMs: number,
  change: (quorum: Required<Pick<MetadataQuorum, 'addVoter' | 'removeVoter'>>) => Promise<VoterChangeAnswer>,
): Promise<VoterChangeAnswer> {
  if (clusterId !== null && clusterId !== ctx.broker.settings.clusterId) return { errorCode: ErrorCode.INCONSISTENT_CLUSTER_ID, errorMessage: `cluster id ${clusterId} is not ${ctx.broker.settings.clusterId}` };
  const q = ctx.broker.quorum;
  if (q.addVoter === undefined || q.removeVoter === undefined) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: 'this node takes no voter changes' };
  const quorum = { addVoter: q.addVoter.bind(q), removeVoter: q.removeVoter.bind(q) };
  const wait = timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS;
  let timer: { cancel(): void } | undefined;
  const timedOut = new Promise<VoterChangeAnswer>((resolve) => {
    timer = ctx.broker.clock.setTimer(wait, () => resolve({ errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: `the voter change did not commit within ${wait} ms` }));
  });
  try {
    return await Promise.race([change(quorum), timedOut]);
  } finally {
    timer?.cancel();
  }
}
