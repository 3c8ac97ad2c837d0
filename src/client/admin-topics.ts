/**
 * Topic and config administration over a KafkaCluster: the requests kafka-topics.sh and
 * kafka-configs.sh send (CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs,
 * IncrementalAlterConfigs, DescribeCluster, DescribeLogDirs), answered as plain objects. A Kafka error
 * code becomes a KafkaError naming the topic, broker or resource it concerns.
 */
import { decodeCreatePartitionsResponse } from '../protocol/generated/messages/create-partitions-response.js';
import { createPartitionsRequestMeta, encodeCreatePartitionsRequest } from '../protocol/generated/messages/create-partitions-request.js';
import { decodeCreateTopicsResponse } from '../protocol/generated/messages/create-topics-response.js';
import { createTopicsRequestMeta, encodeCreateTopicsRequest } from '../protocol/generated/messages/create-topics-request.js';
import { decodeDeleteTopicsResponse } from '../protocol/generated/messages/delete-topics-response.js';
import { deleteTopicsRequestMeta, encodeDeleteTopicsRequest } from '../protocol/generated/messages/delete-topics-request.js';
import { decodeDescribeClusterResponse } from '../protocol/generated/messages/describe-cluster-response.js';
import { describeClusterRequestMeta, encodeDescribeClusterRequest } from '../protocol/generated/messages/describe-cluster-request.js';
import { decodeDescribeConfigsResponse } from '../protocol/generated/messages/describe-configs-response.js';
import { describeConfigsRequestMeta, encodeDescribeConfigsRequest } from '../protocol/generated/messages/describe-configs-request.js';
import { decodeDescribeLogDirsResponse } from '../protocol/generated/messages/describe-log-dirs-response.js';
import { describeLogDirsRequestMeta, encodeDescribeLogDirsRequest } from '../protocol/generated/messages/describe-log-dirs-request.js';
import { decodeIncrementalAlterConfigsResponse } from '../protocol/generated/messages/incremental-alter-configs-response.js';
import { encodeIncrementalAlterConfigsRequest, incrementalAlterConfigsRequestMeta } from '../protocol/generated/messages/incremental-alter-configs-request.js';
import { ApiKey } from '../protocol/generated/api-keys.js';
import { apiCall, type KafkaCluster } from './cluster.js';
import { check, KafkaError } from './kafka-error.js';

export interface TopicSummary {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly internal: boolean;
}

export interface PartitionInfo {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription extends TopicSummary {
  readonly topicId: string | null;
  readonly partitionInfo: readonly PartitionInfo[];
  /** Configs set on the topic itself (DYNAMIC_TOPIC_CONFIG), as kafka-topics --describe shows them. */
  readonly configs: Readonly<Record<string, string | null>>;
}

/** Every topic the cluster lists, by name. */
export async function listTopics(cluster: KafkaCluster): Promise<TopicSummary[]> {
  const md = await cluster.metadata(null);
  return md.topics.map((t) => ({
    name: t.name ?? '',
    partitions: t.partitions.length,
    replicationFactor: t.partitions[0]?.replicaNodes.length ?? 0,
    internal: t.isInternal ?? false,
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Partitions, leaders, replicas and the topic's own configs of each named topic. */
export async function describeTopics(cluster: KafkaCluster, names: readonly string[]): Promise<TopicDescription[]> {
  const md = await cluster.metadata(names);
  const out: TopicDescription[] = [];
  for (const name of names) {
    const t = md.topics.find((x) => x.name === name);
    check(`topic ${name}`, t === undefined ? 3 : t.errorCode);
    const parts = [...(t?.partitions ?? [])].sort((a, b) => a.partitionIndex - b.partitionIndex);
    const configs = await describeConfigs(cluster, 'topic', name, null);
    out.push({
      name,
      topicId: t?.topicId ?? null,
      partitions: parts.length,
      replicationFactor: parts[0]?.replicaNodes.length ?? 0,
      internal: t?.isInternal ?? false,
      partitionInfo: parts.map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes })),
      configs: Object.fromEntries(configs.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG').map((c) => [c.name, c.value])),
    });
  }
  return out;
}

export interface NewTopic {
  readonly name: string;
  /** -1: the broker's num.partitions. */
  readonly partitions: number;
  /** -1: the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export async function createTopic(cluster: KafkaCluster, t: NewTopic, validateOnly = false): Promise<{ partitions: number; replicationFactor: number }> {
  const resp = await cluster.any.send(apiCall(createTopicsRequestMeta, encodeCreateTopicsRequest, decodeCreateTopicsResponse, (v) => ({
    topics: [{
      name: t.name,
      numPartitions: t.partitions,
      // -1 (the broker's default) needs v4 (KIP-464).
      replicationFactor: t.replicationFactor === -1 && v < 4 ? 1 : t.replicationFactor,
      assignments: [],
      configs: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
    }],
    timeoutMs: 30_000,
    validateOnly,
  })));
  const r = resp.topics.find((x) => x.name === t.name);
  check(`topic ${t.name}`, r === undefined ? -1 : r.errorCode, r?.errorMessage);
  return { partitions: r?.numPartitions ?? t.partitions, replicationFactor: r?.replicationFactor ?? t.replicationFactor };
}

export async function deleteTopic(cluster: KafkaCluster, name: string): Promise<void> {
  const resp = await cluster.any.send(apiCall(deleteTopicsRequestMeta, encodeDeleteTopicsRequest, decodeDeleteTopicsResponse,
    { topicNames: [name], topics: [{ name }], timeoutMs: 30_000 }));
  const r = resp.responses.find((x) => x.name === name) ?? resp.responses[0];
  check(`topic ${name}`, r === undefined ? -1 : r.errorCode, r?.errorMessage);
}

/** Raises the topic's partition count to `count`. */
export async function addPartitions(cluster: KafkaCluster, name: string, count: number): Promise<void> {
  const resp = await cluster.any.send(apiCall(createPartitionsRequestMeta, encodeCreatePartitionsRequest, decodeCreatePartitionsResponse,
    { topics: [{ name, count, assignments: null }], timeoutMs: 30_000, validateOnly: false }));
  const r = resp.results.find((x) => x.name === name);
  check(`topic ${name}`, r === undefined ? -1 : r.errorCode, r?.errorMessage);
}

export type ResourceKind = 'topic' | 'broker';
const RESOURCE_TYPE: Record<ResourceKind, number> = { topic: 2, broker: 4 };
const CONFIG_SOURCE = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'CLIENT_METRICS_CONFIG', 'GROUP_CONFIG'];

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly source: string;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

/** DescribeConfigs of one topic or broker ('' for a broker: the cluster-wide defaults); `keys` null: all. */
export async function describeConfigs(cluster: KafkaCluster, kind: ResourceKind, name: string, keys: readonly string[] | null): Promise<ConfigEntry[]> {
  // A broker's own configs are answered by that broker.
  const conn = kind === 'broker' && name !== '' ? await cluster.broker(Number(name)) : cluster.any;
  const resp = await conn.send(apiCall(describeConfigsRequestMeta, encodeDescribeConfigsRequest, decodeDescribeConfigsResponse,
    { resources: [{ resourceType: RESOURCE_TYPE[kind], resourceName: name, configurationKeys: keys === null ? null : [...keys] }], includeSynonyms: false, includeDocumentation: false },
    { min: 1 }));
  const r = resp.results[0];
  check(`${kind} ${name === '' ? '(cluster default)' : name}`, r === undefined ? -1 : r.errorCode, r?.errorMessage);
  return (r?.configs ?? []).map((c) => ({
    name: c.name, value: c.value, source: CONFIG_SOURCE[c.configSource ?? 0] ?? 'UNKNOWN', readOnly: c.readOnly, sensitive: c.isSensitive,
  })).sort((a, b) => a.name.localeCompare(b.name));
}

/** IncrementalAlterConfigs: `set` keys to values and `remove` keys (back to their defaults), in one request. */
export async function alterConfigs(cluster: KafkaCluster, kind: ResourceKind, name: string, set: Readonly<Record<string, string>>, remove: readonly string[]): Promise<void> {
  const conn = kind === 'broker' && name !== '' ? await cluster.broker(Number(name)) : cluster.any;
  const resp = await conn.send(apiCall(incrementalAlterConfigsRequestMeta, encodeIncrementalAlterConfigsRequest, decodeIncrementalAlterConfigsResponse, {
    resources: [{
      resourceType: RESOURCE_TYPE[kind], resourceName: name,
      configs: [
        ...Object.entries(set).map(([k, value]) => ({ name: k, configOperation: 0, value })),
        ...remove.map((k) => ({ name: k, configOperation: 1, value: null })),
      ],
    }],
    validateOnly: false,
  }));
  const r = resp.responses[0];
  check(`${kind} ${name === '' ? '(cluster default)' : name}`, r === undefined ? -1 : r.errorCode, r?.errorMessage);
}

export interface ClusterInfo {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly { readonly id: number; readonly host: string; readonly port: number; readonly rack: string | null }[];
}

/** DescribeCluster when the endpoint has it (Kafka 2.8+), else Metadata. */
export async function clusterInfo(cluster: KafkaCluster): Promise<ClusterInfo> {
  if (cluster.any.versions.has(ApiKey.DescribeCluster)) {
    const r = await cluster.any.send(apiCall(describeClusterRequestMeta, encodeDescribeClusterRequest, decodeDescribeClusterResponse,
      { includeClusterAuthorizedOperations: false, endpointType: 1 }));
    check('cluster', r.errorCode, r.errorMessage);
    return { clusterId: r.clusterId, controllerId: r.controllerId, brokers: r.brokers.map((b) => ({ id: b.brokerId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.id - b.id) };
  }
  const md = await cluster.metadata([]);
  return { clusterId: md.clusterId ?? null, controllerId: md.controllerId ?? -1, brokers: md.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.id - b.id) };
}

export interface LogDirInfo {
  readonly broker: number;
  readonly logDir: string;
  readonly error: string | null;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly sizeBytes: number; readonly offsetLag: number }[];
}

/** Every log dir of every broker (or of `brokers`), optionally only `topics`' partitions. */
export async function describeLogDirs(cluster: KafkaCluster, brokers: readonly number[] | null, topics: readonly string[] | null): Promise<LogDirInfo[]> {
  const ids = brokers ?? await cluster.brokerIds();
  let wanted: { topic: string; partitions: number[] }[] | null = null;
  if (topics !== null) {
    const md = await cluster.metadata(topics);
    wanted = md.topics.map((t) => ({ topic: t.name ?? '', partitions: t.partitions.map((p) => p.partitionIndex) }));
  }
  const out: LogDirInfo[] = [];
  for (const id of ids) {
    const conn = await cluster.broker(id);
    const resp = await conn.send(apiCall(describeLogDirsRequestMeta, encodeDescribeLogDirsRequest, decodeDescribeLogDirsResponse, { topics: wanted }));
    check(`broker ${id}`, resp.errorCode ?? 0);
    for (const d of resp.results) {
      out.push({
        broker: id, logDir: d.logDir, error: d.errorCode === 0 ? null : new KafkaError(d.logDir, d.errorCode, null).errorName,
        partitions: d.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, sizeBytes: Number(p.partitionSize), offsetLag: Number(p.offsetLag) })))
          .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
      });
    }
  }
  return out;
}
