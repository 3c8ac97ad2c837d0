/**
 * DescribeQuorum (key 55), v0-v2: the metadata quorum's state as its leader knows it — leader,
 * epoch, high watermark, and each voter's and observer's (a non-voter fetching the metadata log,
 * seen by the leader in the last 5 minutes) log end offset and last fetch / caught-up times (what
 * `kafka-metadata-quorum describe --status` and `--replication` print). A Kafka broker forwards
 * this request to the active controller; a combined node answers it itself.
 *
 * Versions: v1 last fetch and last caught-up timestamps; v2 replica directory ids and the voters'
 * endpoints (KIP-853): with voters in the log (kraft.version 1) the listeners their VotersRecord
 * names, else controller.quorum.voters' addresses under the first controller listener name.
 *
 * Errors: per partition UNKNOWN_TOPIC_OR_PARTITION (3) for anything but __cluster_metadata-0,
 * NOT_LEADER_OR_FOLLOWER (6) when this node is not the quorum's leader (with the leader it knows).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDescribeQuorumRequest, describeQuorumRequestMeta, type DescribeQuorumRequest } from '../../protocol/generated/messages/describe-quorum-request.js';
import { encodeDescribeQuorumResponse, type DescribeQuorumResponse, type PartitionData, type ReplicaState } from '../../protocol/generated/messages/describe-quorum-response.js';
import { ZERO_UUID } from '../../protocol/codec/uuid.js';
import { defineApi } from '../api.js';
import type { RequestContext } from '../context.js';

const METADATA_TOPIC = '__cluster_metadata';

export const describeQuorumApi = defineApi<DescribeQuorumRequest, DescribeQuorumResponse>({
  meta: describeQuorumRequestMeta,
  minVersion: 0,
  maxVersion: 2,
  exclusive: false,
  forwardToController: true,
  decode: decodeDescribeQuorumRequest,
  encode: encodeDescribeQuorumResponse,
  handle(req, ctx) {
    const topics = req.topics.map((t) => ({
      topicName: t.topicName,
      partitions: t.partitions.map((p) => (t.topicName === METADATA_TOPIC && p.partitionIndex === 0 ? metadataPartition(ctx) : unknownPartition(p.partitionIndex))),
    }));
    return { errorCode: ErrorCode.NONE, errorMessage: null, topics, nodes: voterNodes(ctx) };
  },
});

function metadataPartition(ctx: RequestContext): PartitionData {
  const q = ctx.broker.quorum.describeQuorum();
  const directoryOf = new Map((ctx.broker.quorum.voterSet?.() ?? []).map((v) => [v.id, v.directoryId]));
  const replica = (v: (typeof q.currentVoters)[number]): ReplicaState => ({
    replicaId: v.replicaId,
    replicaDirectoryId: directoryOf.get(v.replicaId) || ZERO_UUID,
    logEndOffset: BigInt(v.logEndOffset),
    lastFetchTimestamp: BigInt(v.lastFetchTimestamp),
    lastCaughtUpTimestamp: BigInt(v.lastCaughtUpTimestamp),
  });
  return {
    partitionIndex: 0,
    errorCode: q.errorCode,
    errorMessage: null,
    leaderId: q.leaderId,
    leaderEpoch: q.leaderEpoch,
    highWatermark: BigInt(q.highWatermark),
    currentVoters: q.currentVoters.map(replica),
    observers: q.observers.map(replica),
  };
}

function unknownPartition(partitionIndex: number): PartitionData {
  return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, leaderId: -1, leaderEpoch: -1, highWatermark: -1n, currentVoters: [], observers: [] };
}

/**
 * v2: where each voter listens. In a multi-voter quorum, as Kafka's static voter set: the address
 * controller.quorum.voters gives, under the first controller listener name. A node that is its
 * own quorum names its advertised listeners.
 */
function voterNodes(ctx: RequestContext): DescribeQuorumResponse['nodes'] {
  // KIP-853: each voter's listeners as its VotersRecord names them.
  const voterSet = ctx.broker.quorum.voterSet?.();
  if (voterSet !== undefined) return voterSet.map((v) => ({ nodeId: v.id, listeners: (v.endpoints ?? []).map((e) => ({ name: e.name, host: e.host, port: e.port })) }));
  const { quorumVoters, controllerListenerNames } = ctx.broker.settings;
  const voters = ctx.broker.quorum.describeQuorum().currentVoters;
  if (quorumVoters !== undefined) {
    const name = controllerListenerNames?.[0] ?? 'CONTROLLER';
    return voters.map((v) => {
      const at = quorumVoters.get(v.replicaId);
      return { nodeId: v.replicaId, listeners: at === undefined ? [] : [{ name, host: at.host, port: at.port }] };
    });
  }
  const listeners = ctx.broker.advertisedEndpoints().map((e) => ({ name: e.listenerName, host: e.host, port: e.port }));
  return voters.map((v) => ({ nodeId: v.replicaId, listeners: v.replicaId === ctx.broker.settings.nodeId ? listeners : [] }));
}
