// BrokerConfig: the typed view of the keys Tributary acts on, derived from parsed values with
// Kafka's derivation rules (log.dirs over log.dir, retention ms > minutes > hours, roll ms > hours,
// flush interval falling back to the scheduler interval, broker.id as an alias of node.id).

import { ConfigError } from './config-error.js';
import type { ConfigValue } from './config-types.js';
import { parseHttpListeners, parseListeners, parseQuorumVoters, parseSecurityProtocolMap, type Listener, type HttpListener, type QuorumVoter, type SecurityProtocol } from './listeners.js';

import { checkProcessRoles, parseProcessRoles, type ProcessRole } from './process-roles.js';

export type { ProcessRole };

/** A host and port (controller.quorum.bootstrap.servers). */
export interface HostAndPort {
  readonly host: string;
  readonly port: number;
}

/** The replica selectors Kafka ships (org.apache.kafka.common.replica). */
export type ReplicaSelectorKind = 'leader' | 'rackAware';
const REPLICA_SELECTORS: ReadonlyMap<string, ReplicaSelectorKind> = new Map([
  ['org.apache.kafka.common.replica.LeaderSelector', 'leader'],
  ['org.apache.kafka.common.replica.RackAwareReplicaSelector', 'rackAware'],
]);

export interface BrokerConfig {
  readonly listeners: readonly Listener[];
  /** Defaults to `listeners`; what Metadata responses advertise. */
  readonly advertisedListeners: readonly Listener[];
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  readonly logDirs: readonly string[];
  readonly nodeId: number;
  readonly processRoles: readonly ProcessRole[];
  /** controller.quorum.bootstrap.servers: controllers a node may ask for the quorum's leader. */
  readonly controllerQuorumBootstrapServers: readonly HostAndPort[];
  readonly controllerQuorumVoters: readonly QuorumVoter[];
  /** controller.listener.names: the listeners the quorum's voters speak on (never advertised to clients). */
  readonly controllerListenerNames: readonly string[];
  /** inter.broker.listener.name: the listener followers fetch from and brokers reach each other on. */
  readonly interBrokerListenerName: string;
  /** broker.rack: this broker's rack (rack-aware placement, fetch from follower); null when unset. */
  readonly brokerRack: string | null;
  /**
   * replica.selector.class (KIP-392): how a leader picks a consumer's preferred read replica;
   * null (Kafka's default) and LeaderSelector keep consumers on the leader.
   */
  readonly replicaSelector: ReplicaSelectorKind | null;
  readonly brokerSessionTimeoutMs: number;
  readonly brokerHeartbeatIntervalMs: number;
  readonly replicaLagTimeMaxMs: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaFetchResponseMaxBytes: number;
  readonly replicaFetchBackoffMs: number;
  /** replication.quota.window.num and .size.seconds (× 1000): the replication throttles' rate windows. */
  readonly replicationQuotaWindowNum: number;
  readonly replicationQuotaWindowMs: number;
  /** alter.log.dirs.replication.quota.window.num / .window.size.seconds: the log-dir move quota's windows. */
  readonly alterLogDirsQuotaWindowNum: number;
  readonly alterLogDirsQuotaWindowMs: number;
  readonly uncleanLeaderElectionEnable: boolean;
  /** controller.quorum.* timing (election, fetch and request timeouts, backoffs). */
  readonly controllerQuorumElectionTimeoutMs: number;
  readonly controllerQuorumFetchTimeoutMs: number;
  readonly controllerQuorumElectionBackoffMaxMs: number;
  readonly controllerQuorumRequestTimeoutMs: number;
  readonly controllerQuorumRetryBackoffMs: number;
  /** metadata.log.max.record.bytes.between.snapshots and metadata.log.max.snapshot.interval.ms: when the metadata log is snapshotted. */
  readonly metadataLogMaxRecordBytesBetweenSnapshots: number;
  readonly metadataLogMaxSnapshotIntervalMs: number;
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly logSegmentBytes: number;
  /** log.roll.ms, else log.roll.hours × 3600000. */
  readonly logRollMs: number;
  readonly logIndexIntervalBytes: number;
  readonly logIndexSizeMaxBytes: number;
  /** log.retention.ms > minutes > hours; any negative result is -1 (unlimited), as Kafka. */
  readonly logRetentionMs: number;
  /** -1 = unlimited. */
  readonly logRetentionBytes: number;
  /** log.retention.check.interval.ms: how often old segments are looked for. */
  readonly logRetentionCheckIntervalMs: number;
  /** log.cleaner.enable: compaction runs at all. */
  readonly logCleanerEnable: boolean;
  /** log.cleaner.backoff.ms: pause between cleaner passes. */
  readonly logCleanerBackoffMs: number;
  readonly logFlushIntervalMessages: number;
  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms (Kafka's fallback). */
  readonly logFlushIntervalMs: number;
  readonly logFlushSchedulerIntervalMs: number;
  readonly messageMaxBytes: number;
  readonly socketRequestMaxBytes: number;
  readonly deleteTopicEnable: boolean;
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  /** offsets.topic.segment.bytes: segment.bytes of __consumer_offsets when it is created. */
  readonly offsetsTopicSegmentBytes: number;
  /** offsets.retention.minutes in ms: how long an empty group's (or a standalone commit's) offsets live. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: the longest committed metadata string. */
  readonly offsetMetadataMaxBytes: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupMaxSize: number;
  readonly minInsyncReplicas: number;
  readonly transactionStateLogNumPartitions: number;
  readonly transactionStateLogReplicationFactor: number;
  /** transaction.state.log.segment.bytes: segment.bytes of __transaction_state when it is created. */
  readonly transactionStateLogSegmentBytes: number;
  /** transaction.max.timeout.ms: the longest transaction timeout a producer may ask for. */
  readonly transactionMaxTimeoutMs: number;
  readonly transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  /** transactional.id.expiration.ms: an idle transactional id is forgotten after this long. */
  readonly transactionalIdExpirationMs: number;
  readonly transactionRemoveExpiredTransactionCleanupIntervalMs: number;
  /** producer.id.expiration.ms: a partition forgets an idle idempotent producer after this long. */
  readonly producerIdExpirationMs: number;
  /** tributary.acks.all.fsync: ack acks=all only after fsync (DESIGN.md "Storage"). */
  readonly acksAllFsync: boolean;
  /** tributary.metrics.listeners: where /metrics is served; empty = no metrics endpoint. */
  readonly metricsListeners: readonly HttpListener[];
  /** schema.registry.listeners: where the schema registry's REST API is served; empty = off. */
  readonly schemaRegistryListeners: readonly HttpListener[];
  /** tributary.metrics.partition.labels: export per-partition series. */
  readonly metricsPartitionLabels: boolean;
}

/** Effective value of a key (explicit or default) and whether it was set explicitly. */
export interface ValueSource {
  get(key: string): ConfigValue;
  isSet(key: string): boolean;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export function buildBrokerConfig(v: ValueSource): BrokerConfig {
  const protocolMap = securityProtocolMap(v);
  const listeners = parseListeners('listeners', str(v, 'listeners'), protocolMap);
  const config = brokerConfig(v, protocolMap, listeners);
  checkProcessRoles({
    roles: config.processRoles,
    nodeId: config.nodeId,
    voters: config.controllerQuorumVoters,
    hasBootstrapServers: config.controllerQuorumBootstrapServers.length > 0,
    listeners,
    advertisedListenersSet: v.isSet('advertised.listeners'),
    controllerListenerNames: config.controllerListenerNames,
  });
  return config;
}

function brokerConfig(v: ValueSource, protocolMap: ReadonlyMap<string, SecurityProtocol>, listeners: Listener[]): BrokerConfig {
  return {
    listeners,
    advertisedListeners: advertised(v, listeners, protocolMap),
    listenerSecurityProtocolMap: protocolMap,
    logDirs: logDirs(v),
    nodeId: nodeId(v),
    processRoles: processRoles(v),
    controllerQuorumVoters: parseQuorumVoters(list(v, 'controller.quorum.voters')),
    controllerQuorumBootstrapServers: bootstrapServers(v),
    controllerListenerNames: controllerListenerNames(v),
    interBrokerListenerName: interBrokerListenerName(v, listeners),
    brokerRack: v.isSet('broker.rack') ? str(v, 'broker.rack') : null,
    replicaSelector: replicaSelector(v),
    brokerSessionTimeoutMs: num(v, 'broker.session.timeout.ms'),
    brokerHeartbeatIntervalMs: num(v, 'broker.heartbeat.interval.ms'),
    replicaLagTimeMaxMs: num(v, 'replica.lag.time.max.ms'),
    replicaFetchWaitMaxMs: num(v, 'replica.fetch.wait.max.ms'),
    replicaFetchMaxBytes: num(v, 'replica.fetch.max.bytes'),
    replicaFetchResponseMaxBytes: num(v, 'replica.fetch.response.max.bytes'),
    replicaFetchBackoffMs: num(v, 'replica.fetch.backoff.ms'),
    replicationQuotaWindowNum: num(v, 'replication.quota.window.num'),
    replicationQuotaWindowMs: num(v, 'replication.quota.window.size.seconds') * 1000,
    alterLogDirsQuotaWindowNum: num(v, 'alter.log.dirs.replication.quota.window.num'),
    alterLogDirsQuotaWindowMs: num(v, 'alter.log.dirs.replication.quota.window.size.seconds') * 1000,
    uncleanLeaderElectionEnable: bool(v, 'unclean.leader.election.enable'),
    controllerQuorumElectionTimeoutMs: num(v, 'controller.quorum.election.timeout.ms'),
    controllerQuorumFetchTimeoutMs: num(v, 'controller.quorum.fetch.timeout.ms'),
    controllerQuorumElectionBackoffMaxMs: num(v, 'controller.quorum.election.backoff.max.ms'),
    controllerQuorumRequestTimeoutMs: num(v, 'controller.quorum.request.timeout.ms'),
    controllerQuorumRetryBackoffMs: num(v, 'controller.quorum.retry.backoff.ms'),
    metadataLogMaxRecordBytesBetweenSnapshots: num(v, 'metadata.log.max.record.bytes.between.snapshots'),
    metadataLogMaxSnapshotIntervalMs: num(v, 'metadata.log.max.snapshot.interval.ms'),
    numPartitions: num(v, 'num.partitions'),
    defaultReplicationFactor: num(v, 'default.replication.factor'),
    autoCreateTopicsEnable: bool(v, 'auto.create.topics.enable'),
    logSegmentBytes: num(v, 'log.segment.bytes'),
    logRollMs: optNum(v, 'log.roll.ms') ?? num(v, 'log.roll.hours') * HOUR_MS,
    logIndexIntervalBytes: num(v, 'log.index.interval.bytes'),
    logIndexSizeMaxBytes: num(v, 'log.index.size.max.bytes'),
    logRetentionMs: retentionMs(v),
    logRetentionBytes: num(v, 'log.retention.bytes'),
    logRetentionCheckIntervalMs: num(v, 'log.retention.check.interval.ms'),
    logCleanerEnable: bool(v, 'log.cleaner.enable'),
    logCleanerBackoffMs: num(v, 'log.cleaner.backoff.ms'),
    logFlushIntervalMessages: num(v, 'log.flush.interval.messages'),
    logFlushIntervalMs: optNum(v, 'log.flush.interval.ms') ?? num(v, 'log.flush.scheduler.interval.ms'),
    logFlushSchedulerIntervalMs: num(v, 'log.flush.scheduler.interval.ms'),
    messageMaxBytes: num(v, 'message.max.bytes'),
    socketRequestMaxBytes: num(v, 'socket.request.max.bytes'),
    deleteTopicEnable: bool(v, 'delete.topic.enable'),
    offsetsTopicNumPartitions: num(v, 'offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: num(v, 'offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: num(v, 'offsets.topic.segment.bytes'),
    offsetsRetentionMs: num(v, 'offsets.retention.minutes') * MINUTE_MS,
    offsetsRetentionCheckIntervalMs: num(v, 'offsets.retention.check.interval.ms'),
    offsetMetadataMaxBytes: num(v, 'offset.metadata.max.bytes'),
    groupInitialRebalanceDelayMs: num(v, 'group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: num(v, 'group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: num(v, 'group.max.session.timeout.ms'),
    groupMaxSize: num(v, 'group.max.size'),
    minInsyncReplicas: num(v, 'min.insync.replicas'),
    transactionStateLogNumPartitions: num(v, 'transaction.state.log.num.partitions'),
    transactionStateLogReplicationFactor: num(v, 'transaction.state.log.replication.factor'),
    transactionStateLogSegmentBytes: num(v, 'transaction.state.log.segment.bytes'),
    transactionMaxTimeoutMs: num(v, 'transaction.max.timeout.ms'),
    transactionAbortTimedOutTransactionCleanupIntervalMs: num(v, 'transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    transactionalIdExpirationMs: num(v, 'transactional.id.expiration.ms'),
    transactionRemoveExpiredTransactionCleanupIntervalMs: num(v, 'transaction.remove.expired.transaction.cleanup.interval.ms'),
    producerIdExpirationMs: num(v, 'producer.id.expiration.ms'),
    acksAllFsync: bool(v, 'tributary.acks.all.fsync'),
    metricsListeners: parseHttpListeners('tributary.metrics.listeners', str(v, 'tributary.metrics.listeners')),
    metricsPartitionLabels: bool(v, 'tributary.metrics.partition.labels'),
    schemaRegistryListeners: parseHttpListeners('schema.registry.listeners', str(v, 'schema.registry.listeners')),
  };
}

/**
 * listener.security.protocol.map, plus Kafka's KRaft rule: when the map is not set explicitly, the
 * controller.listener.names map to PLAINTEXT (so `CONTROLLER://:9093` works without a map).
 */
function securityProtocolMap(v: ValueSource): Map<string, SecurityProtocol> {
  const map = parseSecurityProtocolMap(str(v, 'listener.security.protocol.map'));
  if (v.isSet('listener.security.protocol.map')) return map;
  for (const name of str(v, 'controller.listener.names').split(',').map((s) => s.trim().toUpperCase())) {
    if (name !== '' && !map.has(name)) map.set(name, 'PLAINTEXT');
  }
  return map;
}

/** Kafka's KafkaConfig.logRetentionTimeMillis. */
function retentionMs(v: ValueSource): number {
  const ms = optNum(v, 'log.retention.ms')
    ?? mul(optNum(v, 'log.retention.minutes'), MINUTE_MS)
    ?? num(v, 'log.retention.hours') * HOUR_MS;
  return ms < 0 ? -1 : ms;
}

function mul(x: number | null, factor: number): number | null {
  return x === null ? null : x * factor;
}

function logDirs(v: ValueSource): string[] {
  const raw = v.isSet('log.dirs') ? str(v, 'log.dirs') : str(v, 'log.dir');
  const dirs = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (dirs.length === 0) throw new ConfigError('log.dirs (or log.dir) must name at least one directory', 'log.dirs');
  return dirs;
}

/** KRaft rule: broker.id alone sets node.id; both set must agree. */
function nodeId(v: ValueSource): number {
  const brokerId = num(v, 'broker.id');
  if (!v.isSet('broker.id')) return num(v, 'node.id');
  if (!v.isSet('node.id')) {
    if (brokerId < 0) throw new ConfigError(`Invalid value ${brokerId} for configuration broker.id: must be at least 0`, 'broker.id');
    return brokerId;
  }
  const id = num(v, 'node.id');
  if (id !== brokerId) {
    throw new ConfigError(`broker.id (${brokerId}) and node.id (${id}) differ; set node.id to the same value as broker.id`, 'broker.id');
  }
  return id;
}

function processRoles(v: ValueSource): ProcessRole[] {
  return parseProcessRoles(list(v, 'process.roles'));
}


/** controller.quorum.bootstrap.servers as host:port pairs (KIP-853: where a node finds the quorum). */
function bootstrapServers(v: ValueSource): HostAndPort[] {
  return list(v, 'controller.quorum.bootstrap.servers').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const i = s.lastIndexOf(':');
    const port = Number(s.slice(i + 1));
    if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new ConfigError(`Invalid value ${s} for configuration controller.quorum.bootstrap.servers: expected host:port`, 'controller.quorum.bootstrap.servers');
    return { host: s.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
  });
}

function controllerListenerNames(v: ValueSource): string[] {
  return v.isSet('controller.listener.names') ? str(v, 'controller.listener.names').split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '') : [];
}

/** inter.broker.listener.name, else the first listener that is not a controller listener (Kafka's default is PLAINTEXT). */
function interBrokerListenerName(v: ValueSource, listeners: readonly Listener[]): string {
  if (v.isSet('inter.broker.listener.name')) {
    const name = str(v, 'inter.broker.listener.name').trim().toUpperCase();
    // Kafka checks it on brokers only: a controller-only node has no inter-broker listener.
    const broker = list(v, 'process.roles').includes('broker');
    if (broker && !listeners.some((l) => l.name === name)) throw new ConfigError(`inter.broker.listener.name must be a listener name defined in listeners (${name} is not)`, 'inter.broker.listener.name');
    return name;
  }
  const controllers = new Set(controllerListenerNames(v));
  return listeners.find((l) => !controllers.has(l.name))?.name ?? listeners[0]?.name ?? 'PLAINTEXT';
}

/** advertised.listeners, else the listeners minus the controller listeners (Kafka never advertises those to clients). */
function advertised(v: ValueSource, listeners: readonly Listener[], map: ReadonlyMap<string, SecurityProtocol>): Listener[] {
  const controllers = new Set(controllerListenerNames(v));
  if (!v.isSet('advertised.listeners')) return listeners.filter((l) => !controllers.has(l.name));
  const key = 'advertised.listeners';
  const value = str(v, key);
  const out = parseListeners(key, value, map);
  const names = new Set(listeners.map((l) => l.name));
  for (const l of out) {
    if (l.host === '0.0.0.0') throw new ConfigError(`Invalid value ${value} for configuration ${key}: cannot use the nonroutable meta-address 0.0.0.0`, key);
    if (!names.has(l.name)) throw new ConfigError(`Invalid value ${value} for configuration ${key}: listener ${l.name} is not in listeners`, key);
  }
  return out;
}

function num(v: ValueSource, key: string): number {
  const x = v.get(key);
  if (typeof x !== 'number') throw new Error(`config ${key} is not numeric`);
  return x;
}

function optNum(v: ValueSource, key: string): number | null {
  const x = v.get(key);
  return typeof x === 'number' ? x : null;
}

function bool(v: ValueSource, key: string): boolean {
  const x = v.get(key);
  if (typeof x !== 'boolean') throw new Error(`config ${key} is not boolean`);
  return x;
}

function str(v: ValueSource, key: string): string {
  const x = v.get(key);
  return typeof x === 'string' ? x : '';
}

function list(v: ValueSource, key: string): string[] {
  const x = v.get(key);
  return Array.isArray(x) ? [...(x as readonly string[])] : [];
}

/** replica.selector.class: one of Kafka's selectors; another class is refused (Kafka fails to load it). */
function replicaSelector(v: ValueSource): ReplicaSelectorKind | null {
  const name = v.get('replica.selector.class');
  if (name === null || name === '') return null;
  const kind = REPLICA_SELECTORS.get(String(name).trim());
  if (kind === undefined) {
    throw new ConfigError(`Invalid value ${String(name)} for configuration replica.selector.class: Tributary provides ${[...REPLICA_SELECTORS.keys()].join(' and ')}`, 'replica.selector.class');
  }
  return kind;
}
