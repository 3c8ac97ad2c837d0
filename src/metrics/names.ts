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
 * Not yet: Kafka's raft metrics (`kafka_server_raftmetrics_*`: current-leader, current-epoch,
 * high-watermark, commit-latency) come with the Raft quorum; a combined single node has none.
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
export const CONNECTION_COUNT = 'kafka_server_socketservermetrics_connection_count';

/** kafka_exporter's names. */
export const EXPORTER = {
  brokers: 'kafka_brokers',
  topicPartitions: 'kafka_topic_partitions',
  partitionCurrentOffset: 'kafka_topic_partition_current_offset',
  partitionOldestOffset: 'kafka_topic_partition_oldest_offset',
  partitionLeader: 'kafka_topic_partition_leader',
  partitionReplicas: 'kafka_topic_partition_replicas',
  partitionInSyncReplica: 'kafka_topic_partition_in_sync_replica',
  partitionUnderReplicated: 'kafka_topic_partition_under_replicated_partition',
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
