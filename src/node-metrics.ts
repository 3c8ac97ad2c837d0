/**
 * A node's metrics, assembled: the BrokerMetrics registry, the state its gauges read (taken from
 * the metadata image, the hosted replicas, the connections and the group coordinator at scrape
 * time), and the HTTP listeners serving `/metrics` (tributary.metrics.listeners).
 *
 * Lives beside node.ts because it is assembly: it is the one place that may read partition/,
 * coordinator/ and metadata/ state on metrics/'s behalf, so metrics/ imports none of them.
 */
import { listenHttp, type HttpRequest, type HttpResponse } from './io/http-server.js';
import { eventLoopTimes, monotonicMs, processDiskIo } from './io/perf.js';
import type { Listener as BoundListener } from './io/tcp.js';
import type { BrokerConfig } from './config/index.js';
import type { MetadataImage } from './metadata/metadata-image.js';
import type { ReplicaManager } from './partition/replica-manager.js';
import type { StaticConfigService } from './controller/config-service.js';
import type { GroupCoordinator } from './coordinator/group/group-coordinator.js';
import { apiName } from './protocol/generated/api-keys.js';
import { BrokerMetrics, PROMETHEUS_CONTENT_TYPE } from './metrics/broker-metrics.js';
import type { BrokerState, ClusterPartition, HostedPartition, RaftState } from './metrics/broker-state.js';
import type { BrokerTopicStats } from './metrics/topic-stats.js';
import type { RequestObserver } from './network/request-timing.js';

export interface NodeMetricsSources {
  readonly config: BrokerConfig;
  readonly image: MetadataImage;
  readonly replicas: ReplicaManager;
  readonly configs: StaticConfigService;
  readonly groups: GroupCoordinator;
  /** Open connections' listener names. */
  readonly connections: () => Iterable<{ readonly listenerName: string }>;
  /** Where clients reach this node (advertised listeners, bound ports resolved). */
  readonly endpoints: () => readonly { readonly host: string; readonly port: number }[];
  /** The metadata quorum (raft-metrics). */
  readonly quorum?: { raftState(): RaftState };
  /** The replication throttles (LeaderReplication / FollowerReplication byte-rate). */
  readonly replicationQuotas?: { readonly leader: { byteRate(): number }; readonly follower: { byteRate(): number } };
}

export interface NodeMetrics {
  readonly topics: BrokerTopicStats;
  readonly observer: RequestObserver;
  /** Binds tributary.metrics.listeners; returns the `/metrics` URLs (bound ports resolved). */
  listen(): Promise<string[]>;
  close(): Promise<void>;
}

/** null when tributary.metrics.listeners is empty (metrics off: nothing is counted either). */
export function createNodeMetrics(src: NodeMetricsSources): NodeMetrics | null {
  const { config } = src;
  if (config.metricsListeners.length === 0) return null;
  const metrics = new BrokerMetrics({
    partitionLabels: config.metricsPartitionLabels,
    apiName,
    state: () => brokerState(src),
    process: { eventLoopTimes, diskIo: processDiskIo },
  });
  const bound: BoundListener[] = [];
  const handler = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.path !== '/metrics') return { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Tributary serves Prometheus metrics at /metrics\n' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, contentType: 'text/plain; charset=utf-8', body: 'GET /metrics\n' };
    return { status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: await metrics.render() };
  };
  return {
    topics: metrics.topics,
    observer: { now: monotonicMs, completed: (k, v, t) => metrics.requests.record(k, v, t) },
    async listen() {
      for (const l of config.metricsListeners) {
        try {
          bound.push(await listenHttp(l.host, l.port, handler));
        } catch (e) {
          // Keeps the errno code (EADDRINUSE …), so the CLI reports it as a startup problem.
          const message = `tributary.metrics.listeners: cannot listen on http://${l.host}:${l.port} (${e instanceof Error ? e.message : String(e)}); set another port, or an empty value to turn metrics off`;
          throw Object.assign(new Error(message), { code: (e as NodeJS.ErrnoException).code });
        }
      }
      return bound.map((b) => `http://${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}/metrics`);
    },
    close: async () => {
      await Promise.all(bound.map((b) => b.close()));
    },
  };
}

function brokerState(src: NodeMetricsSources): BrokerState {
  const { image, replicas, configs, config } = src;
  const nodeId = config.nodeId;
  const partitions: ClusterPartition[] = [];
  const hosted: HostedPartition[] = [];
  let offlineReplicas = 0;
  for (const topic of image.topicsByName.values()) {
    const local = replicas.partitionsOf(topic.name);
    const minIsr = Number(configs.topicValue('min.insync.replicas', image.topicConfig(topic.name)));
    for (const p of topic.partitions.values()) {
      partitions.push({ topic: topic.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr });
      if (!p.replicas.includes(nodeId)) continue;
      const replica = local?.get(p.partitionId);
      if (replica === undefined) {
        offlineReplicas++;
        continue;
      }
      hosted.push({
        topic: topic.name,
        partition: p.partitionId,
        isLeader: p.leader === nodeId,
        logSizeBytes: replica.sizeInBytes,
        logStartOffset: replica.logStartOffset,
        highWatermark: replica.highWatermark,
        replicas: p.replicas.length,
        isr: p.isr.length,
        minIsr,
      });
    }
  }
  const connections = new Map<string, number>(config.listeners.map((l) => [l.name, 0]));
  for (const c of src.connections()) connections.set(c.listenerName, (connections.get(c.listenerName) ?? 0) + 1);
  return {
    nodeId,
    // One combined node is the whole cluster until the Raft quorum brings more.
    brokers: [{ id: nodeId, address: src.endpoints().map((e) => `${e.host}:${e.port}`)[0] ?? '' }],
    isActiveController: true,
    partitions,
    hosted,
    offlineReplicas,
    connections,
    groups: src.groups.groupOffsets(),
    ...(src.quorum === undefined ? {} : { raft: src.quorum.raftState() }),
    ...(src.replicationQuotas === undefined ? {} : { replicationByteRates: { leader: src.replicationQuotas.leader.byteRate(), follower: src.replicationQuotas.follower.byteRate() } }),
  };
}
