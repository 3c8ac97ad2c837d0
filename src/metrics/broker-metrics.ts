/**
 * One node's prom-client registry: the counters the request path feeds (topic-stats.ts,
 * request-stats.ts), the gauges read from BrokerState at scrape time, and the process metrics.
 *
 * Scrape-time work only: render() takes one BrokerState, resets every gauge family (so a deleted
 * topic or group leaves no stale series) and sets it again, copies the plain-number counters into
 * their counters, then lets the registry format the text. The produce and fetch paths never touch
 * prom-client.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { BROKER_TOPIC, CLUSTER_PARTITION, CONNECTION_COUNT, CONTROLLER, EXPORTER, LOG_SIZE, RAFT, REPLICA_MANAGER, REPLICATION_QUOTA, STRIMZI_CONNECTION_COUNT } from './names.js';
import type { BrokerState } from './broker-state.js';
import { BrokerTopicStats, type TopicCounter } from './topic-stats.js';
import { RequestStats } from './request-stats.js';
import { registerRequestMetrics } from './request-metrics.js';
import { defaultMetricsRegistry, registerProcessGauges, type ProcessSources } from './process-metrics.js';

export interface BrokerMetricsOptions {
  /** tributary.metrics.partition.labels: per-partition series on (true) or off. */
  readonly partitionLabels: boolean;
  /** Kafka's API name for an API key (the `request` label). */
  readonly apiName: (apiKey: number) => string;
  readonly state: () => BrokerState;
  /** Process readings (event loop, disk I/O), read at scrape time. */
  readonly process: ProcessSources;
}

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

const TOPIC_COUNTERS: readonly [TopicCounter, string, string][] = [
  ['messagesIn', BROKER_TOPIC.messagesIn, 'Messages appended (MessagesInPerSec)'],
  ['bytesIn', BROKER_TOPIC.bytesIn, 'Bytes produced (BytesInPerSec)'],
  ['bytesOut', BROKER_TOPIC.bytesOut, 'Bytes fetched by consumers (BytesOutPerSec)'],
  ['bytesRejected', BROKER_TOPIC.bytesRejected, 'Bytes of rejected produce batches (BytesRejectedPerSec)'],
  ['totalProduceRequests', BROKER_TOPIC.totalProduceRequests, 'Produce requests, per partition in them (TotalProduceRequestsPerSec)'],
  ['totalFetchRequests', BROKER_TOPIC.totalFetchRequests, 'Fetch requests, per partition in them (TotalFetchRequestsPerSec)'],
  ['failedProduceRequests', BROKER_TOPIC.failedProduceRequests, 'Failed partition produces (FailedProduceRequestsPerSec)'],
  ['failedFetchRequests', BROKER_TOPIC.failedFetchRequests, 'Failed partition fetches (FailedFetchRequestsPerSec)'],
];

export class BrokerMetrics {
  readonly topics = new BrokerTopicStats();
  readonly requests: RequestStats;
  private readonly registry = new Registry();
  private readonly exposed: Registry;
  private readonly counters: [TopicCounter, Counter<'topic'>][];
  private readonly g: ReturnType<typeof gauges>;

  constructor(private readonly opts: BrokerMetricsOptions) {
    this.requests = new RequestStats(opts.apiName);
    const registers = [this.registry];
    this.counters = TOPIC_COUNTERS.map(([field, name, help]) => [field, new Counter({ name, help, labelNames: ['topic'], registers })]);
    this.g = gauges(registers);
    registerRequestMetrics(this.registry, this.requests);
    // Never incremented: Tributary does no unclean leader election (kept so dashboards find it).
    new Counter({ name: CONTROLLER.uncleanLeaderElections, help: 'Unclean leader elections (UncleanLeaderElectionsPerSec); always 0 here', registers });
    registerProcessGauges(this.registry, opts.process);
    this.exposed = Registry.merge([this.registry, defaultMetricsRegistry()]);
  }

  /** The Prometheus text exposition of this node and its process. */
  async render(): Promise<string> {
    this.copyTopicCounters();
    this.setGauges(this.opts.state());
    return this.exposed.metrics();
  }

  private copyTopicCounters(): void {
    for (const [field, counter] of this.counters) {
      counter.reset();
      counter.inc(this.topics.allTopics[field]);
      for (const [topic, stats] of this.topics.topics()) counter.inc({ topic }, stats[field]);
    }
  }

  private setGauges(s: BrokerState): void {
    for (const gauge of Object.values(this.g)) gauge.reset();
    if (s.isActiveController) this.setClusterGauges(s);
    const hwm = this.setHostedGauges(s);
    for (const [listener, n] of s.connections) {
      this.g.connections.set({ listener }, n);
      // One event loop: Kafka's networkProcessor 0.
      this.g.strimziConnections.set({ listener, networkProcessor: '0' }, n);
    }
    this.setGroupGauges(s, hwm);
    if (s.raft !== undefined) this.setRaftGauges(s.raft);
    if (s.replicationByteRates !== undefined) {
      this.g.leaderReplicationByteRate.set(s.replicationByteRates.leader);
      this.g.followerReplicationByteRate.set(s.replicationByteRates.follower);
    }
  }

  private setRaftGauges(r: NonNullable<BrokerState['raft']>): void {
    const g = this.g;
    g.raftState.set({ current_state: r.state }, 1);
    g.raftLeader.set(r.leaderId);
    g.raftEpoch.set(r.epoch);
    g.raftVote.set(r.votedId);
    g.raftHighWatermark.set(r.highWatermark);
    g.raftLogEndOffset.set(r.logEndOffset);
    g.raftLogEndEpoch.set(r.logEndEpoch);
  }

  /**
   * The cluster-wide view (controller counts, kafka_exporter's topic and broker series), reported
   * by the active controller only, as Kafka's controller metrics: with several nodes each series
   * then exists once, so sums across instances stay right.
   */
  private setClusterGauges(s: BrokerState): void {
    const g = this.g;
    g.activeController.set(1);
    g.brokers.set(s.brokers.length);
    for (const b of s.brokers) g.brokerInfo.set({ id: String(b.id), address: b.address }, 1);
    const partitionsByTopic = new Map<string, number>();
    let offline = 0;
    for (const p of s.partitions) {
      partitionsByTopic.set(p.topic, (partitionsByTopic.get(p.topic) ?? 0) + 1);
      if (p.leader < 0) offline++;
      if (!this.opts.partitionLabels) continue;
      const labels = { topic: p.topic, partition: String(p.partition) };
      g.partitionLeader.set(labels, p.leader);
      g.partitionReplicas.set(labels, p.replicas.length);
      g.partitionIsr.set(labels, p.isr.length);
      g.partitionUnderReplicated.set(labels, p.isr.length < p.replicas.length ? 1 : 0);
      g.partitionLeaderIsPreferred.set(labels, p.leader >= 0 && p.leader === p.replicas[0] ? 1 : 0);
    }
    g.offlinePartitions.set(offline);
    g.globalTopics.set(partitionsByTopic.size);
    g.globalPartitions.set(s.partitions.length);
    for (const [topic, n] of partitionsByTopic) g.topicPartitions.set({ topic }, n);
  }

  /** This node's replicas (ReplicaManager, Log and Partition MBeans); returns the led partitions' HWs. */
  private setHostedGauges(s: BrokerState): Map<string, Map<number, number>> {
    const g = this.g;
    const led = s.hosted.filter((p) => p.isLeader);
    g.partitionCount.set(s.hosted.length);
    g.leaderCount.set(led.length);
    g.underReplicated.set(led.filter((p) => p.isr < p.replicas).length);
    g.underMinIsr.set(led.filter((p) => p.isr < p.minIsr).length);
    g.offlineReplicas.set(s.offlineReplicas);
    const hwm = new Map<string, Map<number, number>>();
    for (const p of s.hosted) {
      const labels = { topic: p.topic, partition: String(p.partition) };
      if (this.opts.partitionLabels) g.logSize.set(labels, p.logSizeBytes);
      if (!p.isLeader) continue;
      let parts = hwm.get(p.topic);
      if (parts === undefined) hwm.set(p.topic, (parts = new Map()));
      parts.set(p.partition, p.highWatermark);
      if (!this.opts.partitionLabels) continue;
      // Offsets as the leader knows them (kafka_exporter asks the leader too).
      g.currentOffset.set(labels, p.highWatermark);
      g.oldestOffset.set(labels, p.logStartOffset);
      // kafka.cluster:type=Partition: only the leader reports these (a follower's are 0 in Kafka).
      g.replicasCount.set(labels, p.replicas);
      g.inSyncReplicasCount.set(labels, p.isr);
      g.clusterUnderReplicated.set(labels, p.isr < p.replicas ? 1 : 0);
      g.atMinIsr.set(labels, p.isr === p.minIsr ? 1 : 0);
      g.clusterUnderMinIsr.set(labels, p.isr < p.minIsr ? 1 : 0);
    }
    return hwm;
  }

  /** kafka_exporter's lag: high watermark − committed offset, per partition and summed per topic. */
  private setGroupGauges(s: BrokerState, hwm: ReadonlyMap<string, ReadonlyMap<number, number>>): void {
    const g = this.g;
    for (const group of s.groups) {
      const consumergroup = group.groupId;
      g.groupMembers.set({ consumergroup }, group.members);
      const sums = new Map<string, { offset: number; lag: number }>();
      for (const o of group.offsets) {
        const end = hwm.get(o.topic)?.get(o.partition);
        // A commit for a partition not led here (a deleted topic; with replication, another
        // broker's partition, whose HW this coordinator must learn first) reports no lag.
        if (end === undefined || o.offset < 0) continue;
        const lag = Math.max(0, end - o.offset);
        const sum = sums.get(o.topic) ?? { offset: 0, lag: 0 };
        sum.offset += o.offset;
        sum.lag += lag;
        sums.set(o.topic, sum);
        if (!this.opts.partitionLabels) continue;
        const labels = { consumergroup, topic: o.topic, partition: String(o.partition) };
        g.groupCurrentOffset.set(labels, o.offset);
        g.groupLag.set(labels, lag);
      }
      for (const [topic, sum] of sums) {
        g.groupCurrentOffsetSum.set({ consumergroup, topic }, sum.offset);
        g.groupLagSum.set({ consumergroup, topic }, sum.lag);
      }
    }
  }
}

function gauges(registers: Registry[]) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> => new Gauge<L>({ name, help, labelNames, registers });
  const tp = ['topic', 'partition'] as const;
  return {
    partitionCount: gauge(REPLICA_MANAGER.partitionCount, 'Partitions hosted on this broker'),
    leaderCount: gauge(REPLICA_MANAGER.leaderCount, 'Partitions this broker leads'),
    underReplicated: gauge(REPLICA_MANAGER.underReplicatedPartitions, 'Led partitions with fewer in-sync replicas than replicas'),
    underMinIsr: gauge(REPLICA_MANAGER.underMinIsrPartitionCount, 'Led partitions with fewer in-sync replicas than min.insync.replicas'),
    offlineReplicas: gauge(REPLICA_MANAGER.offlineReplicaCount, 'Replicas assigned here that this broker does not host'),
    activeController: gauge(CONTROLLER.activeControllerCount, '1 on the active controller'),
    offlinePartitions: gauge(CONTROLLER.offlinePartitionsCount, 'Partitions without a leader (active controller only)'),
    globalTopics: gauge(CONTROLLER.globalTopicCount, 'Topics in the cluster (active controller only)'),
    globalPartitions: gauge(CONTROLLER.globalPartitionCount, 'Partitions in the cluster (active controller only)'),
    logSize: gauge(LOG_SIZE, 'Bytes of a partition log on disk', tp),
    connections: gauge(CONNECTION_COUNT, 'Open client connections', ['listener'] as const),
    strimziConnections: gauge(STRIMZI_CONNECTION_COUNT, 'Open client connections (socket-server-metrics connection-count)', ['listener', 'networkProcessor'] as const),
    replicasCount: gauge(CLUSTER_PARTITION.replicasCount, 'Replicas of a partition led here', tp),
    inSyncReplicasCount: gauge(CLUSTER_PARTITION.inSyncReplicasCount, 'In-sync replicas of a partition led here', tp),
    clusterUnderReplicated: gauge(CLUSTER_PARTITION.underReplicated, '1 if a partition led here is under-replicated', tp),
    atMinIsr: gauge(CLUSTER_PARTITION.atMinIsr, '1 if a partition led here has exactly min.insync.replicas in sync', tp),
    clusterUnderMinIsr: gauge(CLUSTER_PARTITION.underMinIsr, '1 if a partition led here has fewer than min.insync.replicas in sync', tp),
    brokers: gauge(EXPORTER.brokers, 'Brokers in the cluster'),
    brokerInfo: gauge(EXPORTER.brokerInfo, 'One series per broker: its id and address', ['id', 'address'] as const),
    topicPartitions: gauge(EXPORTER.topicPartitions, 'Partitions of a topic', ['topic'] as const),
    currentOffset: gauge(EXPORTER.partitionCurrentOffset, 'A partition\'s high watermark (latest offset a consumer can read up to)', tp),
    oldestOffset: gauge(EXPORTER.partitionOldestOffset, 'A partition\'s log start offset', tp),
    partitionLeader: gauge(EXPORTER.partitionLeader, 'Leader broker id of a partition', tp),
    partitionReplicas: gauge(EXPORTER.partitionReplicas, 'Replicas of a partition', tp),
    partitionIsr: gauge(EXPORTER.partitionInSyncReplica, 'In-sync replicas of a partition', tp),
    partitionUnderReplicated: gauge(EXPORTER.partitionUnderReplicated, '1 if a partition is under-replicated', tp),
    partitionLeaderIsPreferred: gauge(EXPORTER.partitionLeaderIsPreferred, '1 if a partition is led by its preferred (first) replica', tp),
    groupMembers: gauge(EXPORTER.groupMembers, 'Members of a consumer group', ['consumergroup'] as const),
    groupCurrentOffset: gauge(EXPORTER.groupCurrentOffset, 'Committed offset of a group on a partition', ['consumergroup', ...tp] as const),
    groupCurrentOffsetSum: gauge(EXPORTER.groupCurrentOffsetSum, 'Sum of a group\'s committed offsets on a topic', ['consumergroup', 'topic'] as const),
    groupLag: gauge(EXPORTER.groupLag, 'High watermark minus the group\'s committed offset', ['consumergroup', ...tp] as const),
    groupLagSum: gauge(EXPORTER.groupLagSum, 'A group\'s lag summed over a topic\'s partitions', ['consumergroup', 'topic'] as const),
    raftState: gauge(RAFT.currentState, '1, labelled with this node\'s role in the metadata quorum', ['current_state'] as const),
    raftLeader: gauge(RAFT.currentLeader, 'The metadata quorum\'s leader (-1: unknown)'),
    raftEpoch: gauge(RAFT.currentEpoch, 'The metadata quorum\'s epoch'),
    raftVote: gauge(RAFT.currentVote, 'The voter this node voted for in the current epoch (-1: none)'),
    raftHighWatermark: gauge(RAFT.highWatermark, 'The metadata log\'s high watermark (-1: unknown)'),
    raftLogEndOffset: gauge(RAFT.logEndOffset, 'The metadata log\'s end offset'),
    raftLogEndEpoch: gauge(RAFT.logEndEpoch, 'The epoch of the metadata log\'s last entry'),
    leaderReplicationByteRate: gauge(REPLICATION_QUOTA.leaderByteRate, 'Bytes/s this leader served of throttled partitions (leader replication throttle)'),
    followerReplicationByteRate: gauge(REPLICATION_QUOTA.followerByteRate, 'Bytes/s this follower fetched of throttled partitions (follower replication throttle)'),
  };
}
