/**
 * Every metric name Tributary exports, in one place. The names are the ones existing dashboards
 * read, so those dashboards work unchanged against a Tributary node:
 *
 * - `kafka_server_*`, `kafka_controller_*`, `kafka_network_*`, `kafka_log_*`: what the Prometheus
 *   JMX exporter produces from Kafka's MBeans with Strimzi's rules (lowercased
 *   `kafka_<domain>_<type>_<name>`; `...PerSec` meters become `_total` counters of their Count;
 *   MBean keys such as topic=, partition=, request=, version=, listener= become labels).
 * - `kafka_brokers`, `kafka_topic_*`, `kafka_consumergroup_*`: kafka_exporter's names and labels
 *   (consumer lag), computed here from the group coordinator's state rather than by polling.
 * - `nodejs_*`, `process_*`: prom-client's default process metrics, plus the event loop's busy
 *   and idle time (utilisation = rate(active) / (rate(active) + rate(idle))).
 *
 * - `kafka_server_raftmetrics_*`: the metadata quorum's raft-metrics as Strimzi's rules name them
 *   (`current-state` becomes a `current_state` label on a series of value 1).
 */

/** BrokerTopicMetrics meters: one series per topic plus one without the topic label (all topics). */
export const BROKER_TOPIC = {
  messagesIn: 'kafka_server_brokertopicmetrics_messagesin_total',
  bytesIn: 'kafka_server_brokertopicmetrics_bytesin_total',
  bytesOut: 'kafka_server_brokertopicmetrics_bytesout_total',
  bytesRejected: 'kafka_server_brokertopicmetrics_bytesrejected_total',
  totalProduceRequests: 'kafka_server_brokertopicmetrics_totalproducerequests_total',
  totalFetchRequests: 'kafka_server_brokertopicmetrics_totalfetchrequests_total',
  failedProduceRequests: 'kafka_server_brokertopicmetrics_failedproducerequests_total',
  failedFetchRequests: 'kafka_server_brokertopicmetrics_failedfetchrequests_total',
} as const;

export const REPLICA_MANAGER = {
  partitionCount: 'kafka_server_replicamanager_partitioncount',
  leaderCount: 'kafka_server_replicamanager_leadercount',
  underReplicatedPartitions: 'kafka_server_replicamanager_underreplicatedpartitions',
  underMinIsrPartitionCount: 'kafka_server_replicamanager_underminisrpartitioncount',
  offlineReplicaCount: 'kafka_server_replicamanager_offlinereplicacount',
} as const;

export const CONTROLLER = {
  /** ControllerStats UncleanLeaderElectionsPerSec: Tributary never elects an out-of-sync leader, so 0. */
  uncleanLeaderElections: 'kafka_controller_controllerstats_uncleanleaderelections_total',
  activeControllerCount: 'kafka_controller_kafkacontroller_activecontrollercount',
  offlinePartitionsCount: 'kafka_controller_kafkacontroller_offlinepartitionscount',
  globalTopicCount: 'kafka_controller_kafkacontroller_globaltopiccount',
  globalPartitionCount: 'kafka_controller_kafkacontroller_globalpartitioncount',
} as const;

/** RequestMetrics: RequestsPerSec{request,version} and the per-API time histograms (ms). */
export const REQUESTS_TOTAL = 'kafka_network_requestmetrics_requests_total';
export const REQUEST_TIMES = {
  totalMs: 'kafka_network_requestmetrics_totaltimems',
  queueMs: 'kafka_network_requestmetrics_requestqueuetimems',
  localMs: 'kafka_network_requestmetrics_localtimems',
  remoteMs: 'kafka_network_requestmetrics_remotetimems',
  responseQueueMs: 'kafka_network_requestmetrics_responsequeuetimems',
  responseSendMs: 'kafka_network_requestmetrics_responsesendtimems',
} as const;

export const LOG_SIZE = 'kafka_log_log_size';

/**
 * kafka.server:type=LeaderReplication / FollowerReplication, attribute byte-rate: the replication
 * throttles' measured rates (KIP-73; bytes/s of throttled partitions, over the quota windows).
 */
export const REPLICATION_QUOTA = {
  leaderByteRate: 'kafka_server_leaderreplication_byte_rate',
  followerByteRate: 'kafka_server_followerreplication_byte_rate',
} as const;

/** kafka.server:type=raft-metrics, the metadata quorum as this node sees it. */
export const RAFT = {
  currentState: 'kafka_server_raftmetrics_current_state',
  currentLeader: 'kafka_server_raftmetrics_current_leader',
  currentEpoch: 'kafka_server_raftmetrics_current_epoch',
  currentVote: 'kafka_server_raftmetrics_current_vote',
  highWatermark: 'kafka_server_raftmetrics_high_watermark',
  logEndOffset: 'kafka_server_raftmetrics_log_end_offset',
  logEndEpoch: 'kafka_server_raftmetrics_log_end_epoch',
} as const;

/** kafka.cluster:type=Partition gauges, per partition (non-zero on the leader only, as Kafka's). */
export const CLUSTER_PARTITION = {
  replicasCount: 'kafka_cluster_partition_replicascount',
  inSyncReplicasCount: 'kafka_cluster_partition_insyncreplicascount',
  underReplicated: 'kafka_cluster_partition_underreplicated',
  atMinIsr: 'kafka_cluster_partition_atminisr',
  underMinIsr: 'kafka_cluster_partition_underminisr',
} as const;

/**
 * Open connections. socket-server-metrics' connection-count comes out of Strimzi's rules as
 * `kafka_server_socket_server_metrics_connection_count{listener,networkProcessor}` (the exporter
 * turns the MBean type's hyphens into underscores); other rule sets and dashboards read
 * `kafka_server_socketservermetrics_connection_count{listener}`. Both are served.
 */
export const CONNECTION_COUNT = 'kafka_server_socketservermetrics_connection_count';
export const STRIMZI_CONNECTION_COUNT = 'kafka_server_socket_server_metrics_connection_count';

/**
 * Kafka's idle ratios (0..1). A Node broker's network processor and request handler are one event
 * loop, so both report the loop's idle share since start (Strimzi reads RequestHandlerAvgIdlePercent's
 * MeanRate, a since-start mean too).
 */
export const IDLE = {
  requestHandler: 'kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent',
  networkProcessor: 'kafka_network_socketserver_networkprocessoravgidle_percent',
} as const;

/** Kafka's LinuxIoMetricsCollector: the process's storage I/O from /proc/self/io (Linux only). */
export const DISK_IO = {
  readBytes: 'kafka_server_kafkaserver_linux_disk_read_bytes',
  writeBytes: 'kafka_server_kafkaserver_linux_disk_write_bytes',
} as const;

/** kafka_exporter's names. */
export const EXPORTER = {
  brokers: 'kafka_brokers',
  brokerInfo: 'kafka_broker_info',
  topicPartitions: 'kafka_topic_partitions',
  partitionCurrentOffset: 'kafka_topic_partition_current_offset',
  partitionOldestOffset: 'kafka_topic_partition_oldest_offset',
  partitionLeader: 'kafka_topic_partition_leader',
  partitionReplicas: 'kafka_topic_partition_replicas',
  partitionInSyncReplica: 'kafka_topic_partition_in_sync_replica',
  partitionUnderReplicated: 'kafka_topic_partition_under_replicated_partition',
  partitionLeaderIsPreferred: 'kafka_topic_partition_leader_is_preferred',
  groupCurrentOffset: 'kafka_consumergroup_current_offset',
  groupCurrentOffsetSum: 'kafka_consumergroup_current_offset_sum',
  groupLag: 'kafka_consumergroup_lag',
  groupLagSum: 'kafka_consumergroup_lag_sum',
  groupMembers: 'kafka_consumergroup_members',
} as const;

/** The event loop's busy and idle time (prom-client has lag, not utilisation). */
export const EVENT_LOOP = {
  activeSeconds: 'nodejs_eventloop_active_seconds_total',
  idleSeconds: 'nodejs_eventloop_idle_seconds_total',
} as const;
