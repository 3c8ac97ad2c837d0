/**
 * The quorum's messages on the wire: raft/'s RaftMessage (the fields one static-voter partition
 * needs) to and from Kafka's Vote v2, BeginQuorumEpoch v1, EndQuorumEpoch v1, Fetch v17 and
 * FetchSnapshot v1 request and response bodies, for the one partition `__cluster_metadata-0`
 * (Kafka's metadata topic id, 0...01). Voters of one cluster speak these versions to each other;
 * the correlation id travels in the request header, not here.
 *
 * A request names its sender (candidate, leader or fetching replica); `requestFromWire` returns
 * it, since the core takes every message with the voter it came from.
 *
 * Fetch and FetchSnapshot responses carry the leader's endpoint (NodeEndpoints, as Kafka's
 * RaftUtil fills it from Fetch v17 on) when the answering node knows where the leader listens: an
 * observer that found the quorum through bootstrap servers learns from it where to fetch next.
 */
import { ApiKey } from '../protocol/generated/api-keys.js';
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { decodeVoteRequest, encodeVoteRequest, type VoteRequest as WireVoteRequest } from '../protocol/generated/messages/vote-request.js';
import { decodeVoteResponse, encodeVoteResponse, type VoteResponse as WireVoteResponse } from '../protocol/generated/messages/vote-response.js';
import { decodeBeginQuorumEpochRequest, encodeBeginQuorumEpochRequest, type BeginQuorumEpochRequest as WireBeginRequest } from '../protocol/generated/messages/begin-quorum-epoch-request.js';
import { decodeBeginQuorumEpochResponse, encodeBeginQuorumEpochResponse, type BeginQuorumEpochResponse as WireBeginResponse } from '../protocol/generated/messages/begin-quorum-epoch-response.js';
import { decodeEndQuorumEpochRequest, encodeEndQuorumEpochRequest, type EndQuorumEpochRequest as WireEndRequest } from '../protocol/generated/messages/end-quorum-epoch-request.js';
import { decodeEndQuorumEpochResponse, encodeEndQuorumEpochResponse, type EndQuorumEpochResponse as WireEndResponse } from '../protocol/generated/messages/end-quorum-epoch-response.js';
import { decodeFetchRequest, encodeFetchRequest, type FetchRequest as WireFetchRequest } from '../protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse, encodeFetchResponse, type FetchResponse as WireFetchResponse } from '../protocol/generated/messages/fetch-response.js';
import { decodeFetchSnapshotRequest, encodeFetchSnapshotRequest, type FetchSnapshotRequest as WireSnapshotRequest } from '../protocol/generated/messages/fetch-snapshot-request.js';
import { decodeFetchSnapshotResponse, encodeFetchSnapshotResponse, type FetchSnapshotResponse as WireSnapshotResponse } from '../protocol/generated/messages/fetch-snapshot-response.js';
import type { Entry, NodeId, RaftRequest, RaftResponse } from '../raft/index.js';
import { entriesOfChunk, entriesToBatches } from './metadata-log-entries.js';
import { METADATA_TOPIC } from './metadata-log.js';

/** Kafka's Uuid.METADATA_TOPIC_ID (0...01), base64 as the codecs carry uuids. */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

export const RAFT_API_VERSIONS = {
  [ApiKey.Vote]: 2,
  [ApiKey.BeginQuorumEpoch]: 1,
  [ApiKey.EndQuorumEpoch]: 1,
  [ApiKey.Fetch]: 17,
  [ApiKey.FetchSnapshot]: 1,
} as const;

export type WireRequest =
  | { readonly apiKey: typeof ApiKey.Vote; readonly body: WireVoteRequest }
  | { readonly apiKey: typeof ApiKey.BeginQuorumEpoch; readonly body: WireBeginRequest }
  | { readonly apiKey: typeof ApiKey.EndQuorumEpoch; readonly body: WireEndRequest }
  | { readonly apiKey: typeof ApiKey.Fetch; readonly body: WireFetchRequest }
  | { readonly apiKey: typeof ApiKey.FetchSnapshot; readonly body: WireSnapshotRequest };

export type WireResponse =
  | { readonly apiKey: typeof ApiKey.Vote; readonly body: WireVoteResponse }
  | { readonly apiKey: typeof ApiKey.BeginQuorumEpoch; readonly body: WireBeginResponse }
  | { readonly apiKey: typeof ApiKey.EndQuorumEpoch; readonly body: WireEndResponse }
  | { readonly apiKey: typeof ApiKey.Fetch; readonly body: WireFetchResponse }
  | { readonly apiKey: typeof ApiKey.FetchSnapshot; readonly body: WireSnapshotResponse };

/** Who this node is on the wire, and how a LeaderChange entry without bytes is encoded. */
/** Where a node's controller listener is. */
export interface QuorumEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface WireIdentity {
  readonly clusterId: string;
  readonly localId: NodeId;
  readonly leaderChange: (epoch: number) => Buffer;
  readonly nowMs: () => number;
  /** Where a voter listens (controller.quorum.voters), for the leader's NodeEndpoints in answers. */
  readonly endpointOf?: (nodeId: NodeId) => QuorumEndpoint | undefined;
}

/** NodeEndpoints naming the leader, when it is known and so is its address. */
function leaderEndpoints(leaderId: NodeId, id: WireIdentity): { nodeId: number; host: string; port: number; rack: null }[] {
  const at = leaderId >= 0 ? id.endpointOf?.(leaderId) : undefined;
  return at === undefined ? [] : [{ nodeId: leaderId, host: at.host, port: at.port, rack: null }];
}

/** The node endpoints a Fetch or FetchSnapshot response names (where its leader listens). */
export function endpointsOfResponse(w: WireResponse): { readonly nodeId: NodeId; readonly endpoint: QuorumEndpoint }[] {
  if (w.apiKey !== ApiKey.Fetch && w.apiKey !== ApiKey.FetchSnapshot) return [];
  return (w.body.nodeEndpoints ?? []).flatMap((e) => (e.nodeId !== undefined && e.nodeId >= 0 && e.host !== undefined && e.host !== '' && e.port !== undefined && e.port > 0 ? [{ nodeId: e.nodeId, endpoint: { host: e.host, port: e.port } }] : []));
}

const FETCH_MAX_BYTES = 8 * 1024 * 1024;
const SNAPSHOT_MAX_BYTES = 1024 * 1024;

function single<T>(topics: readonly { partitions: readonly T[] }[], what: string): T {
  const p = topics[0]?.partitions[0];
  if (topics.length !== 1 || topics[0]?.partitions.length !== 1 || p === undefined) throw new Error(`${what}: one partition (__cluster_metadata-0) expected`);
  return p;
}

export async function requestToWire(m: RaftRequest, to: NodeId, id: WireIdentity): Promise<WireRequest> {
  const clusterId = id.clusterId;
  switch (m.kind) {
    case 'VoteRequest':
      return { apiKey: ApiKey.Vote, body: { clusterId, voterId: to, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, replicaEpoch: m.candidateEpoch, replicaId: m.candidateId, lastOffsetEpoch: m.lastOffsetEpoch, lastOffset: BigInt(m.lastOffset), preVote: m.preVote }] }] } };
    case 'BeginQuorumEpochRequest':
      return { apiKey: ApiKey.BeginQuorumEpoch, body: { clusterId, voterId: to, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch }] }], leaderEndpoints: [] } };
    case 'EndQuorumEpochRequest':
      return { apiKey: ApiKey.EndQuorumEpoch, body: { clusterId, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch, preferredCandidates: m.preferredSuccessors.map((candidateId) => ({ candidateId })) }] }], leaderEndpoints: [] } };
    case 'FetchRequest':
      return {
        apiKey: ApiKey.Fetch,
        body: {
          clusterId, replicaState: { replicaId: m.replicaId, replicaEpoch: -1n }, maxWaitMs: 0, minBytes: 0, maxBytes: FETCH_MAX_BYTES, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topicId: METADATA_TOPIC_ID, partitions: [{ partition: 0, currentLeaderEpoch: m.currentLeaderEpoch, fetchOffset: BigInt(m.fetchOffset), lastFetchedEpoch: m.lastFetchedEpoch, logStartOffset: -1n, partitionMaxBytes: FETCH_MAX_BYTES }] }],
          forgottenTopicsData: [], rackId: '',
        },
      };
    case 'FetchSnapshotRequest':
      return { apiKey: ApiKey.FetchSnapshot, body: { clusterId, replicaId: m.replicaId, maxBytes: SNAPSHOT_MAX_BYTES, topics: [{ name: METADATA_TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: m.currentLeaderEpoch, snapshotId: { endOffset: BigInt(m.snapshotId.endOffset), epoch: m.snapshotId.epoch }, position: BigInt(m.position) }] }] } };
  }
}

export function requestFromWire(w: WireRequest, correlationId: number): { from: NodeId; message: RaftRequest } {
  switch (w.apiKey) {
    case ApiKey.Vote: {
      const p = single(w.body.topics, 'Vote');
      return { from: p.replicaId, message: { kind: 'VoteRequest', correlationId, candidateEpoch: p.replicaEpoch, candidateId: p.replicaId, lastOffsetEpoch: p.lastOffsetEpoch, lastOffset: Number(p.lastOffset), preVote: p.preVote ?? false } };
    }
    case ApiKey.BeginQuorumEpoch: {
      const p = single(w.body.topics, 'BeginQuorumEpoch');
      return { from: p.leaderId, message: { kind: 'BeginQuorumEpochRequest', correlationId, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch } };
    }
    case ApiKey.EndQuorumEpoch: {
      const p = single(w.body.topics, 'EndQuorumEpoch');
      const successors = p.preferredCandidates?.map((c) => c.candidateId ?? -1) ?? p.preferredSuccessors ?? [];
      return { from: p.leaderId, message: { kind: 'EndQuorumEpochRequest', correlationId, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, preferredSuccessors: successors } };
    }
    case ApiKey.Fetch: {
      const p = single(w.body.topics, 'Fetch');
      const replicaId = w.body.replicaState?.replicaId ?? w.body.replicaId ?? -1;
      return { from: replicaId, message: { kind: 'FetchRequest', correlationId, replicaId, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, fetchOffset: Number(p.fetchOffset), lastFetchedEpoch: p.lastFetchedEpoch ?? -1 } };
    }
    case ApiKey.FetchSnapshot: {
      const p = single(w.body.topics, 'FetchSnapshot');
      return { from: w.body.replicaId, message: { kind: 'FetchSnapshotRequest', correlationId, replicaId: w.body.replicaId, currentLeaderEpoch: p.currentLeaderEpoch, snapshotId: { endOffset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch }, position: Number(p.position) } };
    }
  }
}

export async function responseToWire(m: RaftResponse, id: WireIdentity): Promise<WireResponse> {
  const partition = { partitionIndex: 0, errorCode: m.errorCode, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch };
  switch (m.kind) {
    case 'VoteResponse':
      return { apiKey: ApiKey.Vote, body: { errorCode: 0, topics: [{ topicName: METADATA_TOPIC, partitions: [{ ...partition, voteGranted: m.voteGranted }] }], nodeEndpoints: [] } };
    case 'BeginQuorumEpochResponse':
      return { apiKey: ApiKey.BeginQuorumEpoch, body: { errorCode: 0, topics: [{ topicName: METADATA_TOPIC, partitions: [partition] }], nodeEndpoints: [] } };
    case 'EndQuorumEpochResponse':
      return { apiKey: ApiKey.EndQuorumEpoch, body: { errorCode: 0, topics: [{ topicName: METADATA_TOPIC, partitions: [partition] }], nodeEndpoints: [] } };
    case 'FetchResponse': {
      const batches = await entriesToBatches(m.records, id.leaderChange, id.nowMs());
      return {
        apiKey: ApiKey.Fetch,
        body: {
          throttleTimeMs: 0, errorCode: 0, sessionId: 0, nodeEndpoints: leaderEndpoints(m.leaderId, id),
          responses: [{ topicId: METADATA_TOPIC_ID, partitions: [{
            partitionIndex: 0, errorCode: m.errorCode, highWatermark: BigInt(m.highWatermark), lastStableOffset: -1n, logStartOffset: -1n,
            divergingEpoch: m.divergingEpoch === undefined ? { epoch: -1, endOffset: -1n } : { epoch: m.divergingEpoch.epoch, endOffset: BigInt(m.divergingEpoch.endOffset) },
            currentLeader: { leaderId: m.leaderId, leaderEpoch: m.leaderEpoch },
            snapshotId: m.snapshotId === undefined ? { endOffset: -1n, epoch: -1 } : { endOffset: BigInt(m.snapshotId.endOffset), epoch: m.snapshotId.epoch },
            abortedTransactions: null, preferredReadReplica: -1,
            records: Buffer.concat(batches.map((b) => b.batch)),
          }] }],
        },
      };
    }
    case 'FetchSnapshotResponse':
      return {
        apiKey: ApiKey.FetchSnapshot,
        body: { throttleTimeMs: 0, errorCode: 0, nodeEndpoints: leaderEndpoints(m.leaderId, id).map(({ rack: _rack, ...e }) => e), topics: [{ name: METADATA_TOPIC, partitions: [{ index: 0, errorCode: m.errorCode, snapshotId: { endOffset: BigInt(m.snapshotId.endOffset), epoch: m.snapshotId.epoch }, currentLeader: { leaderId: m.leaderId, leaderEpoch: m.leaderEpoch }, size: BigInt(m.size), position: BigInt(m.position), unalignedRecords: Buffer.from(m.unalignedRecords) }] }] },
      };
  }
}

export async function responseFromWire(w: WireResponse, correlationId: number): Promise<RaftResponse> {
  switch (w.apiKey) {
    case ApiKey.Vote: {
      const p = single(w.body.topics, 'Vote response');
      return { kind: 'VoteResponse', correlationId, errorCode: w.body.errorCode || p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, voteGranted: p.voteGranted };
    }
    case ApiKey.BeginQuorumEpoch: {
      const p = single(w.body.topics, 'BeginQuorumEpoch response');
      return { kind: 'BeginQuorumEpochResponse', correlationId, errorCode: w.body.errorCode || p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch };
    }
    case ApiKey.EndQuorumEpoch: {
      const p = single(w.body.topics, 'EndQuorumEpoch response');
      return { kind: 'EndQuorumEpochResponse', correlationId, errorCode: w.body.errorCode || p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch };
    }
    case ApiKey.Fetch: {
      const p = single(w.body.responses, 'Fetch response');
      const records: Entry[] = [];
      if (p.records !== null && p.records.length > 0) await entriesOfChunk(p.records, 0, records);
      const diverging = p.divergingEpoch !== undefined && (p.divergingEpoch.epoch ?? -1) >= 0 ? { epoch: p.divergingEpoch.epoch ?? -1, endOffset: Number(p.divergingEpoch.endOffset ?? -1n) } : undefined;
      const snapshot = p.snapshotId !== undefined && p.snapshotId.epoch >= 0 ? { endOffset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch } : undefined;
      return {
        kind: 'FetchResponse', correlationId, errorCode: (w.body.errorCode ?? 0) || p.errorCode,
        leaderId: p.currentLeader?.leaderId ?? -1, leaderEpoch: p.currentLeader?.leaderEpoch ?? -1, highWatermark: Number(p.highWatermark),
        ...(diverging === undefined ? {} : { divergingEpoch: diverging }), ...(snapshot === undefined ? {} : { snapshotId: snapshot }), records,
      };
    }
    case ApiKey.FetchSnapshot: {
      const p = single(w.body.topics, 'FetchSnapshot response');
      return { kind: 'FetchSnapshotResponse', correlationId, errorCode: w.body.errorCode || p.errorCode, leaderId: p.currentLeader?.leaderId ?? -1, leaderEpoch: p.currentLeader?.leaderEpoch ?? -1, snapshotId: { endOffset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch }, size: Number(p.size), position: Number(p.position), unalignedRecords: p.unalignedRecords };
    }
  }
}

interface BodyCodec {
  encode(w: Writer, v: number, m: never): void;
  decode(r: Reader, v: number): unknown;
}

const REQUEST_CODECS: Record<WireRequest['apiKey'], BodyCodec> = {
  [ApiKey.Vote]: { encode: encodeVoteRequest, decode: decodeVoteRequest },
  [ApiKey.BeginQuorumEpoch]: { encode: encodeBeginQuorumEpochRequest, decode: decodeBeginQuorumEpochRequest },
  [ApiKey.EndQuorumEpoch]: { encode: encodeEndQuorumEpochRequest, decode: decodeEndQuorumEpochRequest },
  [ApiKey.Fetch]: { encode: encodeFetchRequest, decode: decodeFetchRequest },
  [ApiKey.FetchSnapshot]: { encode: encodeFetchSnapshotRequest, decode: decodeFetchSnapshotRequest },
};

const RESPONSE_CODECS: Record<WireResponse['apiKey'], BodyCodec> = {
  [ApiKey.Vote]: { encode: encodeVoteResponse, decode: decodeVoteResponse },
  [ApiKey.BeginQuorumEpoch]: { encode: encodeBeginQuorumEpochResponse, decode: decodeBeginQuorumEpochResponse },
  [ApiKey.EndQuorumEpoch]: { encode: encodeEndQuorumEpochResponse, decode: decodeEndQuorumEpochResponse },
  [ApiKey.Fetch]: { encode: encodeFetchResponse, decode: decodeFetchResponse },
  [ApiKey.FetchSnapshot]: { encode: encodeFetchSnapshotResponse, decode: decodeFetchSnapshotResponse },
};

/** A quorum request's body as bytes, at the version voters speak. */
export function encodeWireRequest(w: WireRequest): Buffer {
  return encodeBody(REQUEST_CODECS[w.apiKey], w.apiKey, w.body);
}

export function decodeWireRequest(apiKey: WireRequest['apiKey'], bytes: Buffer): WireRequest {
  return { apiKey, body: REQUEST_CODECS[apiKey].decode(new Reader(bytes), RAFT_API_VERSIONS[apiKey]) } as WireRequest;
}

export function encodeWireResponse(w: WireResponse): Buffer {
  return encodeBody(RESPONSE_CODECS[w.apiKey], w.apiKey, w.body);
}

export function decodeWireResponse(apiKey: WireResponse['apiKey'], bytes: Buffer): WireResponse {
  return { apiKey, body: RESPONSE_CODECS[apiKey].decode(new Reader(bytes), RAFT_API_VERSIONS[apiKey]) } as WireResponse;
}

function encodeBody(codec: BodyCodec, apiKey: WireRequest['apiKey'], body: unknown): Buffer {
  const w = new Writer();
  codec.encode(w, RAFT_API_VERSIONS[apiKey], body as never);
  return w.toBuffer();
}
