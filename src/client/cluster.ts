/**
 * A Kafka cluster as a client sees it: a bootstrap list, then one connection per broker, found
 * through Metadata (the leader of a partition) and FindCoordinator (a group's coordinator). Requests
 * go where Kafka wants them; the caller never picks an address.
 *
 * Invariants: at most one open connection per broker address; close() closes them all; every
 * connect and request is bounded by the timeout the cluster was opened with.
 */
import { ApiKey } from '../protocol/generated/api-keys.js';
import { errorName } from '../protocol/generated/error-codes.js';
import { decodeFindCoordinatorResponse } from '../protocol/generated/messages/find-coordinator-response.js';
import { encodeFindCoordinatorRequest, findCoordinatorRequestMeta } from '../protocol/generated/messages/find-coordinator-request.js';
import { decodeMetadataResponse, type MetadataResponse } from '../protocol/generated/messages/metadata-response.js';
import { encodeMetadataRequest, metadataRequestMeta } from '../protocol/generated/messages/metadata-request.js';
import { apiCall, EndpointError, formatHostPort, KafkaConnection, parseHostPort, type ConnectOptions } from './connection.js';

export { apiCall };
import { KafkaError } from './kafka-error.js';

export interface ClusterOptions extends ConnectOptions {
  /** Client properties (`-X key=value`); only the ones this client knows are read. */
  readonly properties?: ReadonlyMap<string, string>;
}

export class KafkaCluster {
  private readonly connections = new Map<string, Promise<KafkaConnection>>();
  private brokers = new Map<number, string>();

  private constructor(private readonly bootstrap: KafkaConnection, private readonly opts: ClusterOptions) {
    this.connections.set(bootstrap.address, Promise.resolve(bootstrap));
  }

  /** Connects to the first bootstrap address that answers; an EndpointError naming each one when none does. */
  static async connect(bootstrap: readonly string[], opts: ClusterOptions = {}): Promise<KafkaCluster> {
    for (const address of bootstrap) parseHostPort(address);
    const problems: string[] = [];
    for (const address of bootstrap) {
      try {
        return new KafkaCluster(await KafkaConnection.connect(address, opts), opts);
      } catch (e) {
        if (!(e instanceof EndpointError)) throw e;
        problems.push(e.message);
      }
    }
    throw new EndpointError(problems.join('; ') || 'no bootstrap servers given');
  }

  /** The connection to the bootstrap broker (any broker answers metadata and admin requests). */
  get any(): KafkaConnection {
    return this.bootstrap;
  }

  close(): void {
    for (const c of this.connections.values()) c.then((x) => x.close(), () => undefined);
    this.connections.clear();
  }

  /** Metadata for `topics` (null: all), never auto-creating; remembers the brokers it names. */
  async metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    const resp = await this.any.send(apiCall(metadataRequestMeta, encodeMetadataRequest, decodeMetadataResponse, {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    }, { min: 1 }));
    this.brokers = new Map(resp.brokers.map((b) => [b.nodeId, formatHostPort(b.host, b.port)]));
    return resp;
  }

  /** A connection to broker `nodeId` (known from the last metadata()). */
  async broker(nodeId: number): Promise<KafkaConnection> {
    if (!this.brokers.has(nodeId)) await this.metadata([]);
    const address = this.brokers.get(nodeId);
    if (address === undefined) throw new EndpointError(`broker ${nodeId} is not in the cluster's metadata`);
    return this.to(address);
  }

  /** Broker ids known from the last metadata(). */
  async brokerIds(): Promise<number[]> {
    if (this.brokers.size === 0) await this.metadata([]);
    return [...this.brokers.keys()].sort((a, b) => a - b);
  }

  /** A connection to `address`, opened once. */
  to(address: string): Promise<KafkaConnection> {
    let c = this.connections.get(address);
    if (c === undefined) {
      c = KafkaConnection.connect(address, this.opts);
      this.connections.set(address, c);
      c.catch(() => this.connections.delete(address));
    }
    return c;
  }

  /** Partition → leader id for `topic`; a KafkaError when the topic does not exist. */
  async leaders(topic: string): Promise<Map<number, number>> {
    const md = await this.metadata([topic]);
    const t = md.topics.find((x) => x.name === topic);
    if (t === undefined) throw new KafkaError(`topic ${topic}`, 3, null);
    if (t.errorCode !== 0) throw new KafkaError(`topic ${topic}`, t.errorCode, null);
    return new Map(t.partitions.map((p) => [p.partitionIndex, p.leaderId]));
  }

  /** The connection to `group`'s coordinator (FindCoordinator, retried while the coordinator loads). */
  async coordinator(group: string): Promise<KafkaConnection> {
    for (let attempt = 0; ; attempt++) {
      const resp = await this.any.send(apiCall(findCoordinatorRequestMeta, encodeFindCoordinatorRequest, decodeFindCoordinatorResponse,
        { key: group, keyType: 0, coordinatorKeys: [group] }));
      const c = resp.coordinators?.[0];
      const code = c?.errorCode ?? resp.errorCode ?? 0;
      // 15 COORDINATOR_NOT_AVAILABLE, 14 COORDINATOR_LOAD_IN_PROGRESS: retriable, a few times.
      if ((code === 15 || code === 14) && attempt < 20) {
        await this.any.send(apiCall(metadataRequestMeta, encodeMetadataRequest, decodeMetadataResponse, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, { min: 1 }));
        continue;
      }
      if (code !== 0) throw new KafkaError(`group ${group}`, code, c?.errorMessage ?? resp.errorMessage ?? null);
      return this.to(formatHostPort(c?.host ?? resp.host ?? '', c?.port ?? resp.port ?? 0));
    }
  }
}

export { ApiKey, errorName };
