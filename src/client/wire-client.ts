/**
 * The compat runner's own small Kafka client, built on the shared connection (connection.ts): the ApiVersions
 * probe of the endpoint, and the housekeeping every run needs whatever clients are installed
 * (create the topics a capability asks for, find and delete everything the run created). It is not
 * a client under test: cells drive real clients; this only prepares and cleans up.
 */
import { errorName } from '../protocol/generated/error-codes.js';
import { encodeCreateTopicsRequest, createTopicsRequestMeta } from '../protocol/generated/messages/create-topics-request.js';
import { decodeCreateTopicsResponse } from '../protocol/generated/messages/create-topics-response.js';
import { encodeDeleteTopicsRequest, deleteTopicsRequestMeta } from '../protocol/generated/messages/delete-topics-request.js';
import { decodeDeleteTopicsResponse } from '../protocol/generated/messages/delete-topics-response.js';
import { encodeMetadataRequest, metadataRequestMeta } from '../protocol/generated/messages/metadata-request.js';
import { decodeMetadataResponse, type MetadataResponse } from '../protocol/generated/messages/metadata-response.js';
import { encodeDescribeConfigsRequest, describeConfigsRequestMeta } from '../protocol/generated/messages/describe-configs-request.js';
import { decodeDescribeConfigsResponse } from '../protocol/generated/messages/describe-configs-response.js';
import { encodeFindCoordinatorRequest, findCoordinatorRequestMeta } from '../protocol/generated/messages/find-coordinator-request.js';
import { decodeFindCoordinatorResponse } from '../protocol/generated/messages/find-coordinator-response.js';
import { encodeDeleteGroupsRequest, deleteGroupsRequestMeta } from '../protocol/generated/messages/delete-groups-request.js';
import { decodeDeleteGroupsResponse } from '../protocol/generated/messages/delete-groups-response.js';
import { encodeListGroupsRequest, listGroupsRequestMeta } from '../protocol/generated/messages/list-groups-request.js';
import { decodeListGroupsResponse } from '../protocol/generated/messages/list-groups-response.js';
import { encodeDescribeGroupsRequest, describeGroupsRequestMeta } from '../protocol/generated/messages/describe-groups-request.js';
import { decodeDescribeGroupsResponse } from '../protocol/generated/messages/describe-groups-response.js';
import { encodeOffsetFetchRequest, offsetFetchRequestMeta } from '../protocol/generated/messages/offset-fetch-request.js';
import { encodeListOffsetsRequest, listOffsetsRequestMeta } from '../protocol/generated/messages/list-offsets-request.js';
import { decodeListOffsetsResponse } from '../protocol/generated/messages/list-offsets-response.js';
import { decodeOffsetFetchResponse } from '../protocol/generated/messages/offset-fetch-response.js';
import { apiCall, KafkaConnection, openFrames } from './connection.js';

export { EndpointError, parseHostPort, type ApiVersionTable, type HostPort } from './connection.js';

const CLIENT_ID = 'tributary-compat';

/**
 * The housekeeping requests `tributary compat` needs on any endpoint; the connection itself (connect,
 * ApiVersions, version choice, timeouts) is KafkaConnection's.
 */
export class WireClient extends KafkaConnection {
  /** Connects (bounded by timeoutMs) and asks for ApiVersions. */
  static override async connect(address: string, timeoutMs = 5_000): Promise<WireClient> {
    const frames = await openFrames(address, { timeoutMs });
    return new WireClient(frames, address, timeoutMs, CLIENT_ID).start();
  }

  // ---- housekeeping requests ------------------------------------------------------------------

  /** Metadata for `topics` (null: all topics), never auto-creating. */
  metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    return this.send(apiCall(metadataRequestMeta, encodeMetadataRequest, decodeMetadataResponse, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }, { min: 1 }));
  }

  /** Creates topics; resolves to name → error (null when created). Replication factor: the endpoint's default. */
  async createTopics(topics: readonly { name: string; partitions: number; configs?: Readonly<Record<string, string>> }[], timeoutMs = 15_000): Promise<Map<string, string | null>> {
    const resp = await this.send(apiCall(createTopicsRequestMeta, encodeCreateTopicsRequest, decodeCreateTopicsResponse, (v) => ({
      topics: topics.map((t) => ({
        name: t.name,
        numPartitions: t.partitions,
        // -1 (the broker's default.replication.factor) needs v4 (KIP-464); before that, 1.
        replicationFactor: v >= 4 ? -1 : 1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs,
      validateOnly: false,
    })));
    return new Map(resp.topics.map((t) => [t.name, t.errorCode === 0 ? null : `${errorName(t.errorCode)}${t.errorMessage ? `: ${t.errorMessage}` : ''}`]));
  }

  /** Deletes topics by name; resolves to name → error (null when deleted or already gone). */
  async deleteTopics(names: readonly string[], timeoutMs = 15_000): Promise<Map<string, string | null>> {
    if (names.length === 0) return new Map();
    const resp = await this.send(apiCall(deleteTopicsRequestMeta, encodeDeleteTopicsRequest, decodeDeleteTopicsResponse, {
      topicNames: [...names],
      topics: names.map((name) => ({ name })),
      timeoutMs,
    }));
    return new Map(resp.responses.map((t) => [t.name ?? '', t.errorCode === 0 || t.errorCode === 3 ? null : errorName(t.errorCode)]));
  }

  /**
   * ListOffsets (latest) of `partitions` of `topic` on the broker we are connected to: partition →
   * error code (0: it serves the partition). A partition Metadata already names a leader for may
   * still answer NOT_LEADER_OR_FOLLOWER while the leader loads it.
   */
  async listOffsetsErrors(topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    const resp = await this.send(apiCall(listOffsetsRequestMeta, encodeListOffsetsRequest, decodeListOffsetsResponse, {
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n })) }],
    }, { min: 1, max: 7 }));
    return new Map((resp.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.errorCode]));
  }

  /** The broker config values of `keys` (DescribeConfigs on the broker we are connected to). */
  async brokerConfigs(brokerId: number, keys: readonly string[]): Promise<Map<string, string | null>> {
    const resp = await this.send(apiCall(describeConfigsRequestMeta, encodeDescribeConfigsRequest, decodeDescribeConfigsResponse, {
      resources: [{ resourceType: 4, resourceName: String(brokerId), configurationKeys: [...keys] }],
      includeSynonyms: false,
      includeDocumentation: false,
    }));
    const res = resp.results[0];
    if (res === undefined || res.errorCode !== 0) throw new Error(`DescribeConfigs broker ${brokerId}: ${res === undefined ? 'no result' : errorName(res.errorCode)}`);
    return new Map(res.configs.map((c) => [c.name, c.value]));
  }

  /** Group ids the endpoint lists (ListGroups on this broker). */
  async listGroups(): Promise<string[]> {
    const resp = await this.send(apiCall(listGroupsRequestMeta, encodeListGroupsRequest, decodeListGroupsResponse, {}));
    if (resp.errorCode !== 0) throw new Error(`ListGroups: ${errorName(resp.errorCode)}`);
    return resp.groups.map((g) => g.groupId);
  }

  /** The group coordinator's address for `group` (FindCoordinator). */
  async findGroupCoordinator(group: string): Promise<string> {
    const c = await this.findCoordinator(group, 0);
    return c.host.includes(':') ? `[${c.host}]:${c.port}` : `${c.host}:${c.port}`;
  }

  /** FindCoordinator of one key (keyType 0: a group, 1: a transactional id): the coordinator's node. */
  async findCoordinator(key: string, keyType: 0 | 1): Promise<{ nodeId: number; host: string; port: number }> {
    const resp = await this.send(apiCall(findCoordinatorRequestMeta, encodeFindCoordinatorRequest, decodeFindCoordinatorResponse, { key, keyType, coordinatorKeys: [key] }));
    const c = resp.coordinators?.[0];
    const code = c?.errorCode ?? resp.errorCode ?? 0;
    if (code !== 0) throw new Error(`FindCoordinator(${key}, type ${keyType}): ${errorName(code)}`);
    return { nodeId: c?.nodeId ?? resp.nodeId ?? -1, host: c?.host ?? resp.host ?? '', port: c?.port ?? resp.port ?? 0 };
  }

  /** Deletes groups (send to their coordinator); resolves to group → error (null when deleted or unknown). */
  async deleteGroups(groups: readonly string[]): Promise<Map<string, string | null>> {
    if (groups.length === 0) return new Map();
    const resp = await this.send(apiCall(deleteGroupsRequestMeta, encodeDeleteGroupsRequest, decodeDeleteGroupsResponse, { groupsNames: [...groups] }));
    // 69 GROUP_ID_NOT_FOUND: nothing to delete.
    return new Map(resp.results.map((g) => [g.groupId, g.errorCode === 0 || g.errorCode === 69 ? null : errorName(g.errorCode)]));
  }

  /** One group as its coordinator describes it (send to the coordinator). */
  async describeGroup(group: string): Promise<GroupDescription> {
    const resp = await this.send(apiCall(describeGroupsRequestMeta, encodeDescribeGroupsRequest, decodeDescribeGroupsResponse, { groups: [group], includeAuthorizedOperations: false }));
    const g = resp.groups.find((x) => x.groupId === group);
    if (g === undefined) throw new Error(`DescribeGroups(${group}): no such group in the response`);
    if (g.errorCode !== 0) throw new Error(`DescribeGroups(${group}): ${errorName(g.errorCode)}`);
    return {
      state: g.groupState,
      protocolType: g.protocolType,
      members: g.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId })),
    };
  }

  /**
   * The group's committed offsets for `partitions` of `topic` (OffsetFetch v1-v7, sent to the
   * coordinator): partition → offset, -1 where nothing is committed.
   */
  async committedOffsets(group: string, topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    const resp = await this.send(apiCall(offsetFetchRequestMeta, encodeOffsetFetchRequest, decodeOffsetFetchResponse, { groupId: group, topics: [{ name: topic, partitionIndexes: [...partitions] }], requireStable: true }, { min: 1, max: 7 }));
    if ((resp.errorCode ?? 0) !== 0) throw new Error(`OffsetFetch(${group}): ${errorName(resp.errorCode ?? 0)}`);
    const out = new Map<number, number>();
    for (const t of resp.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions ?? []) {
        if ((p.errorCode ?? 0) !== 0) throw new Error(`OffsetFetch(${group}) ${topic}-${p.partitionIndex}: ${errorName(p.errorCode ?? 0)}`);
        out.set(p.partitionIndex ?? -1, Number(p.committedOffset ?? -1n));
      }
    }
    return out;
  }
}

/** What DescribeGroups says of one group. */
export interface GroupDescription {
  readonly state: string;
  readonly protocolType: string;
  readonly members: readonly { readonly memberId: string; readonly groupInstanceId: string | null; readonly clientId: string }[];
}
