/**
 * The compat runner's own small Kafka client, built on Tributary's generated codecs: the ApiVersions
 * probe of the endpoint, and the housekeeping every run needs whatever clients are installed
 * (create the topics a capability asks for, find and delete everything the run created). It is not
 * a client under test: cells drive real clients; this only prepares and cleans up.
 *
 * One socket, requests sent one after another. Every step is bounded: the TCP connect (nothing
 * listening, a black-holed address) and every request have a timeout, so a dead endpoint is a clear
 * error within seconds, never a hang.
 */
import { connect, type Socket } from 'node:net';
import { Reader } from '../protocol/codec/reader.js';
import { Writer } from '../protocol/codec/writer.js';
import { ApiKey, apiName } from '../protocol/generated/api-keys.js';
import { errorName } from '../protocol/generated/error-codes.js';
import { decodeApiVersionsResponse, type ApiVersion } from '../protocol/generated/messages/api-versions-response.js';
import { encodeApiVersionsRequest } from '../protocol/generated/messages/api-versions-request.js';
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

/** The endpoint could not be reached or did not speak Kafka: a usage/connection error, not a test failure. */
export class EndpointError extends Error {
  override name = 'EndpointError';
}

const CLIENT_ID = 'tributary-compat';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` (IPv6 as `[::1]:9092`); throws a plain Error naming the problem. */
export function parseHostPort(s: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:\s]+):(\d+)$/.exec(s);
  const port = Number(m?.[2]);
  if (m?.[1] === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`'${s}' is not host:port (for example 127.0.0.1:9092)`);
  }
  return { host: m[1], port };
}

/** Versions the endpoint advertises: API key → [min, max]. */
export type ApiVersionTable = ReadonlyMap<number, { readonly min: number; readonly max: number }>;

interface Message<T> {
  readonly key: number;
  /** Highest version this client can encode/decode, and the lowest it accepts. */
  readonly ours: { readonly min: number; readonly max: number };
  readonly firstFlexibleVersion: number;
  readonly encode: (w: Writer, v: number) => void;
  readonly decode: (r: Reader, v: number) => T;
}

export class WireClient {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private closed: Error | undefined;
  private correlationId = 0;
  versions: ApiVersionTable = new Map();

  private constructor(private readonly socket: Socket, readonly address: string, private readonly timeoutMs: number) {
    socket.on('data', (d: Buffer) => {
      this.buffered = this.buffered.length === 0 ? d : Buffer.concat([this.buffered, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed ??= new EndpointError(`${address} closed the connection`);
      this.wake();
    });
    socket.on('error', (e) => {
      this.closed = new EndpointError(`${address}: ${e.message}`);
      this.wake();
    });
  }

  /** Connects (bounded by timeoutMs) and asks for ApiVersions. */
  static async connect(address: string, timeoutMs = 5_000): Promise<WireClient> {
    const { host, port } = parseHostPort(address);
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new EndpointError(`cannot connect to ${address}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        s.destroy();
        const why = e.code === 'ECONNREFUSED' ? 'connection refused (nothing listens there)' : e.message;
        reject(new EndpointError(`cannot connect to ${address}: ${why}`));
      });
    });
    socket.setNoDelay(true);
    const client = new WireClient(socket, address, timeoutMs);
    try {
      await client.loadApiVersions();
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  close(): void {
    this.socket.destroy();
  }

  private async loadApiVersions(): Promise<void> {
    // v0: every Kafka since 0.10 answers it, and it has no flexible header to get wrong.
    let resp;
    try {
      resp = await this.send({
        key: ApiKey.ApiVersions, ours: { min: 0, max: 0 }, firstFlexibleVersion: 99,
        encode: (w, v) => encodeApiVersionsRequest(w, v, {}),
        decode: (r, v) => decodeApiVersionsResponse(r, v),
      }, 0);
    } catch (e) {
      if (e instanceof EndpointError) {
        throw new EndpointError(`${this.address} accepted the connection but did not answer ApiVersions: ${e.message}. Is it a Kafka listener (PLAINTEXT)?`);
      }
      throw e;
    }
    if (resp.errorCode !== 0) throw new EndpointError(`${this.address} answered ApiVersions with ${errorName(resp.errorCode)}`);
    this.versions = new Map(resp.apiKeys.map((k: ApiVersion) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  }

  /** The version to use: the highest both sides speak; throws when there is none. */
  private pick(key: number, ours: { min: number; max: number }): number {
    const theirs = this.versions.get(key);
    if (theirs === undefined) throw new EndpointError(`${this.address} does not advertise ${apiName(key)}`);
    const v = Math.min(theirs.max, ours.max);
    if (v < Math.max(theirs.min, ours.min)) {
      throw new EndpointError(`${this.address} advertises ${apiName(key)} v${theirs.min}-${theirs.max}; this client needs v${ours.min}-${ours.max}`);
    }
    return v;
  }

  /** Sends one request and reads its response (version chosen from ApiVersions unless given). */
  async send<T>(m: Message<T>, version?: number): Promise<T> {
    if (this.closed !== undefined) throw this.closed;
    const v = version ?? this.pick(m.key, m.ours);
    const flexible = v >= m.firstFlexibleVersion;
    const correlationId = ++this.correlationId;
    const w = new Writer();
    w.writeInt16(m.key);
    w.writeInt16(v);
    w.writeInt32(correlationId);
    w.writeString(CLIENT_ID, false);
    if (flexible) w.writeUVarint(0);
    m.encode(w, v);
    const body = w.toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    this.socket.write(Buffer.concat([size, body]));
    const frame = await this.receive(`${apiName(m.key)} v${v}`);
    const r = new Reader(frame);
    const gotId = r.readInt32();
    if (gotId !== correlationId) throw new EndpointError(`${this.address}: response correlation id ${gotId}, expected ${correlationId}`);
    // ApiVersions responses always use header v0 (KIP-511); others follow the request's flexibility.
    if (flexible && m.key !== ApiKey.ApiVersions) r.readTaggedFields();
    return m.decode(r, v);
  }

  private async receive(what: string): Promise<Buffer> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length >= 4 + size) {
          const frame = this.buffered.subarray(4, 4 + size);
          this.buffered = this.buffered.subarray(4 + size);
          return frame;
        }
      }
      if (this.closed !== undefined) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0) {
        this.close();
        throw new EndpointError(`${this.address}: no answer to ${what} within ${this.timeoutMs} ms`);
      }
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiter = () => {
          clearTimeout(t);
          res();
        };
      });
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  // ---- housekeeping requests ------------------------------------------------------------------

  /** Metadata for `topics` (null: all topics), never auto-creating. */
  metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    return this.send({
      key: ApiKey.Metadata, ours: { min: 1, max: metadataRequestMeta.maxVersion }, firstFlexibleVersion: metadataRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeMetadataRequest(w, v, {
        topics: topics === null ? null : topics.map((name) => ({ name })),
        allowAutoTopicCreation: false,
        includeClusterAuthorizedOperations: false,
        includeTopicAuthorizedOperations: false,
      }),
      decode: (r, v) => decodeMetadataResponse(r, v),
    });
  }

  /** Creates topics; resolves to name → error (null when created). Replication factor: the endpoint's default. */
  async createTopics(topics: readonly { name: string; partitions: number; configs?: Readonly<Record<string, string>> }[], timeoutMs = 15_000): Promise<Map<string, string | null>> {
    const resp = await this.send({
      key: ApiKey.CreateTopics, ours: { min: 0, max: createTopicsRequestMeta.maxVersion }, firstFlexibleVersion: createTopicsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeCreateTopicsRequest(w, v, {
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
      }),
      decode: (r, v) => decodeCreateTopicsResponse(r, v),
    });
    return new Map(resp.topics.map((t) => [t.name, t.errorCode === 0 ? null : `${errorName(t.errorCode)}${t.errorMessage ? `: ${t.errorMessage}` : ''}`]));
  }

  /** Deletes topics by name; resolves to name → error (null when deleted or already gone). */
  async deleteTopics(names: readonly string[], timeoutMs = 15_000): Promise<Map<string, string | null>> {
    if (names.length === 0) return new Map();
    const resp = await this.send({
      key: ApiKey.DeleteTopics, ours: { min: 0, max: deleteTopicsRequestMeta.maxVersion }, firstFlexibleVersion: deleteTopicsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeDeleteTopicsRequest(w, v, {
        topicNames: [...names],
        topics: names.map((name) => ({ name })),
        timeoutMs,
      }),
      decode: (r, v) => decodeDeleteTopicsResponse(r, v),
    });
    return new Map(resp.responses.map((t) => [t.name ?? '', t.errorCode === 0 || t.errorCode === 3 ? null : errorName(t.errorCode)]));
  }

  /**
   * ListOffsets (latest) of `partitions` of `topic` on the broker we are connected to: partition →
   * error code (0: it serves the partition). A partition Metadata already names a leader for may
   * still answer NOT_LEADER_OR_FOLLOWER while the leader loads it.
   */
  async listOffsetsErrors(topic: string, partitions: readonly number[]): Promise<Map<number, number>> {
    const resp = await this.send({
      key: ApiKey.ListOffsets, ours: { min: 1, max: Math.min(7, listOffsetsRequestMeta.maxVersion) }, firstFlexibleVersion: listOffsetsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeListOffsetsRequest(w, v, {
        replicaId: -1, isolationLevel: 0,
        topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1n })) }],
      }),
      decode: (r, v) => decodeListOffsetsResponse(r, v),
    });
    return new Map((resp.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, p.errorCode]));
  }

  /** The broker config values of `keys` (DescribeConfigs on the broker we are connected to). */
  async brokerConfigs(brokerId: number, keys: readonly string[]): Promise<Map<string, string | null>> {
    const resp = await this.send({
      key: ApiKey.DescribeConfigs, ours: { min: 0, max: describeConfigsRequestMeta.maxVersion }, firstFlexibleVersion: describeConfigsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeDescribeConfigsRequest(w, v, {
        resources: [{ resourceType: 4, resourceName: String(brokerId), configurationKeys: [...keys] }],
        includeSynonyms: false,
        includeDocumentation: false,
      }),
      decode: (r, v) => decodeDescribeConfigsResponse(r, v),
    });
    const res = resp.results[0];
    if (res === undefined || res.errorCode !== 0) throw new Error(`DescribeConfigs broker ${brokerId}: ${res === undefined ? 'no result' : errorName(res.errorCode)}`);
    return new Map(res.configs.map((c) => [c.name, c.value]));
  }

  /** Group ids the endpoint lists (ListGroups on this broker). */
  async listGroups(): Promise<string[]> {
    const resp = await this.send({
      key: ApiKey.ListGroups, ours: { min: 0, max: listGroupsRequestMeta.maxVersion }, firstFlexibleVersion: listGroupsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeListGroupsRequest(w, v, {}),
      decode: (r, v) => decodeListGroupsResponse(r, v),
    });
    if (resp.errorCode !== 0) throw new Error(`ListGroups: ${errorName(resp.errorCode)}`);
    return resp.groups.map((g) => g.groupId);
  }

  /** The group coordinator's address for `group` (FindCoordinator). */
  async findGroupCoordinator(group: string): Promise<string> {
    const resp = await this.send({
      key: ApiKey.FindCoordinator, ours: { min: 0, max: findCoordinatorRequestMeta.maxVersion }, firstFlexibleVersion: findCoordinatorRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeFindCoordinatorRequest(w, v, { key: group, keyType: 0, coordinatorKeys: [group] }),
      decode: (r, v) => decodeFindCoordinatorResponse(r, v),
    });
    const c = resp.coordinators?.[0];
    const code = c?.errorCode ?? resp.errorCode ?? 0;
    if (code !== 0) throw new Error(`FindCoordinator(${group}): ${errorName(code)}`);
    const host = c?.host ?? resp.host ?? '';
    const port = c?.port ?? resp.port ?? 0;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /** Deletes groups (send to their coordinator); resolves to group → error (null when deleted or unknown). */
  async deleteGroups(groups: readonly string[]): Promise<Map<string, string | null>> {
    if (groups.length === 0) return new Map();
    const resp = await this.send({
      key: ApiKey.DeleteGroups, ours: { min: 0, max: deleteGroupsRequestMeta.maxVersion }, firstFlexibleVersion: deleteGroupsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeDeleteGroupsRequest(w, v, { groupsNames: [...groups] }),
      decode: (r, v) => decodeDeleteGroupsResponse(r, v),
    });
    // 69 GROUP_ID_NOT_FOUND: nothing to delete.
    return new Map(resp.results.map((g) => [g.groupId, g.errorCode === 0 || g.errorCode === 69 ? null : errorName(g.errorCode)]));
  }

  /** One group as its coordinator describes it (send to the coordinator). */
  async describeGroup(group: string): Promise<GroupDescription> {
    const resp = await this.send({
      key: ApiKey.DescribeGroups, ours: { min: 0, max: describeGroupsRequestMeta.maxVersion }, firstFlexibleVersion: describeGroupsRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeDescribeGroupsRequest(w, v, { groups: [group], includeAuthorizedOperations: false }),
      decode: (r, v) => decodeDescribeGroupsResponse(r, v),
    });
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
    const resp = await this.send({
      key: ApiKey.OffsetFetch, ours: { min: 1, max: Math.min(7, offsetFetchRequestMeta.maxVersion) }, firstFlexibleVersion: offsetFetchRequestMeta.firstFlexibleVersion,
      encode: (w, v) => encodeOffsetFetchRequest(w, v, { groupId: group, topics: [{ name: topic, partitionIndexes: [...partitions] }], requireStable: true }),
      decode: (r, v) => decodeOffsetFetchResponse(r, v),
    });
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
