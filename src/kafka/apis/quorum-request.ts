/**
 * The inbound side of the metadata quorum's messages (Vote, BeginQuorumEpoch, EndQuorumEpoch,
 * FetchSnapshot, and a Fetch of `__cluster_metadata-0`): the decoded body goes to the node's
 * quorum, whose answer is encoded as the response. Checked first, as Kafka's KafkaRaftClient does:
 * a cluster id other than ours (null is accepted) is INCONSISTENT_CLUSTER_ID (104); a body not
 * naming exactly the one partition `__cluster_metadata-0` is INVALID_REQUEST (42).
 *
 * A quorum that refuses the request (this node is not a voter, or it is closing) answers
 * UNKNOWN_SERVER_ERROR (-1) with a warning logged: the sender's Raft core treats any error as a
 * failed request and retries on its own schedule; the connection and the process carry on.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { METADATA_TOPIC } from '../../controller/metadata-log.js';
import { METADATA_TOPIC_ID, type WireRequest, type WireResponse } from '../../controller/raft-wire.js';
import type { RequestContext } from '../context.js';

/** One topic naming the metadata topic (by name or by id), with exactly partition 0. */
export interface QuorumTopic {
  readonly name?: string | null;
  readonly id?: string | null;
  readonly partitions: readonly number[];
}

/** The quorum's answer, or the error code the response carries instead. */
export async function askQuorum<R extends WireRequest>(
  ctx: RequestContext, request: R, clusterId: string | null | undefined, topics: readonly QuorumTopic[],
): Promise<Extract<WireResponse, { apiKey: R['apiKey'] }> | number> {
  if (clusterId !== null && clusterId !== undefined && clusterId !== ctx.broker.settings.clusterId) return ErrorCode.INCONSISTENT_CLUSTER_ID;
  if (!namesMetadataPartition(topics)) return ErrorCode.INVALID_REQUEST;
  try {
    const response = await ctx.broker.quorum.handleRequest(request, ctx.correlationId);
    if (response.apiKey !== request.apiKey) throw new Error(`answered API key ${response.apiKey} to ${request.apiKey}`);
    return response as Extract<WireResponse, { apiKey: R['apiKey'] }>;
  } catch (e) {
    ctx.broker.log.warn(`quorum request (API key ${request.apiKey}) from ${ctx.connection.remoteAddress}: ${e instanceof Error ? e.message : String(e)}`);
    return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}

function namesMetadataPartition(topics: readonly QuorumTopic[]): boolean {
  const t = topics[0];
  if (topics.length !== 1 || t === undefined) return false;
  return (t.name === METADATA_TOPIC || t.id === METADATA_TOPIC_ID) && t.partitions.length === 1 && t.partitions[0] === 0;
}
