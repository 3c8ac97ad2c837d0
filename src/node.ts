/**
 * Assembles one Tributary node (broker + controller roles) from its parts: storage, the metadata
 * log and image, the controller, the replica manager, and the Kafka listeners. Startup order
 * matters: logs are recovered and the metadata log replayed before any listener accepts a client,
 * so the first request already sees every topic and record that was acknowledged before.
 */
import { join } from 'node:path';
import { realFileSystem } from './io/real-file-system.js';
import { systemClock, type Clock } from './io/clock.js';
import { listenTcp, type Listener as TcpListener } from './io/tcp.js';
import { localHostName } from './io/host.js';
import { randomTopicId, randomUuidString, systemRandom } from './io/random.js';
import type { FileSystem } from './io/file-system.js';
import { consoleLogger, type Logger } from './util/logger.js';
import type { LoadedConfig } from './config/index.js';
import { ensureFormatted } from './storage/meta-properties.js';
import { LogManager } from './storage/log-manager.js';
import { PartitionLog } from './storage/partition-log.js';
import type { LogConfig } from './storage/log-config.js';
import { ConfigResourceType, MetadataImage } from './metadata/metadata-image.js';
import { Controller } from './controller/controller.js';
import { bootstrapFeaturesCommand } from './controller/feature-control.js';
import { METADATA_TOPIC } from './controller/metadata-log.js';
import { RaftMetadataLog } from './controller/raft-metadata-log.js';
import { raftConfig } from './raft/index.js';
import { StaticConfigService } from './controller/config-service.js';
import { HW_CHECKPOINT_INTERVAL_MS } from './partition/high-watermark-checkpoint.js';
import { ReplicaManager } from './partition/replica-manager.js';
import { ProducerIdManager } from './partition/producer-id-manager.js';
import { allocateProducerIdsCommand } from './controller/producer-id-control.js';
import { Connection } from './network/connection.js';
import { FramePool } from './network/frame-pool.js';
import { KafkaRequestProcessor } from './kafka/request-processor.js';
import { createRegistry } from './kafka/registry.js';
import type { BrokerServices, BrokerSettings, Endpoint } from './kafka/context.js';
import type { MetadataChange } from './metadata/metadata-image.js';
import { createTopicsCommand } from './controller/topic-control.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import { GroupCoordinator } from './coordinator/group/group-coordinator.js';
import { OFFSETS_TOPIC } from './coordinator/group/records.js';
import { partitionCoordinatorLog } from './coordinator/runtime.js';
import { TxnCoordinator } from './coordinator/txn/txn-coordinator.js';
import { TRANSACTION_STATE_TOPIC } from './coordinator/txn/records.js';
import { localMarkerWriter } from './coordinator/txn/markers.js';
import { createNodeMetrics } from './node-metrics.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from './schema-registry/server.js';

export interface NodeDeps {
  fs?: FileSystem;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningNode {
  readonly nodeId: number;
  readonly clusterId: string;
  /** host:port of the first listener, for a client's bootstrap.servers. */
  readonly bootstrap: string;
  readonly endpoints: readonly Endpoint[];
  readonly logDirs: readonly string[];
  /** Where Prometheus scrapes this node (tributary.metrics.listeners, ports resolved); empty when off. */
  readonly metricsUrls: readonly string[];
  /** The schema registry's REST endpoints (schema.registry.listeners, ports resolved); empty when off. */
  readonly schemaRegistryUrls: readonly string[];
  stop(): Promise<void>;
}

const MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 256;
/** Request frames this large are filled into reusable buffers; at most this much is kept for reuse. */
const POOLED_FRAME_MIN_BYTES = 128 * 1024;
const POOLED_FRAMES_MAX_BYTES = 64 * 1024 * 1024;
/** Kafka's producer.id.expiration.check.interval.ms default (an internal key there). */
const PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600_000;

export async function runNode(loaded: LoadedConfig, deps: NodeDeps = {}): Promise<RunningNode> {
  const config = loaded.config;
  const fs = deps.fs ?? realFileSystem;
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? consoleLogger();
  for (const w of loaded.warnings) log.warn(w);
  if (!(config.processRoles.includes('broker') && config.processRoles.includes('controller'))) {
    // Nothing silently ignored: a broker-only or controller-only node needs the Raft quorum, not built yet.
    log.warn(`process.roles=${config.processRoles.join(',')}: this node runs as broker and controller (combined mode); separate roles come with the Raft quorum`);
  }

  const clusterId = await ensureFormatted(fs, config.logDirs, config.nodeId, randomTopicId);
  const image = new MetadataImage();
  const configs = new StaticConfigService(loaded, {
    perBroker: () => image.resourceConfig(ConfigResourceType.Broker, String(config.nodeId)),
    clusterDefault: () => image.resourceConfig(ConfigResourceType.Broker, ''),
  });
  const logConfigFor = (topic: string): LogConfig => topicLogConfig(configs, image.topicConfig(topic));
  const logs = await LogManager.open(fs, config.logDirs, { clock, configFor: logConfigFor, logger: log, skipTopics: [METADATA_TOPIC] });
  const replicas = new ReplicaManager(fs, logs, {
    nodeId: config.nodeId,
    fsyncOnAcksAll: config.acksAllFsync,
    logConfigFor,
    maxMessageBytesFor: (topic) => Number(configs.topicValue('max.message.bytes', image.topicConfig(topic))),
    minInsyncReplicasFor: (topic) => Number(configs.topicValue('min.insync.replicas', image.topicConfig(topic))),
    onConfigError: (m) => log.warn(m),
  });
  // The metadata log lives in the first log dir (Kafka's metadata.log.dir default), outside LogManager.
  const metadataDir = config.logDirs[0] as string;
  const metadataPartition = await PartitionLog.open(fs, join(metadataDir, `${METADATA_TOPIC}-0`), logConfigFor(METADATA_TOPIC), {
    clock,
    hadCleanShutdown: logs.hadCleanShutdown(metadataDir),
  });
  for (const note of metadataPartition.recoveryNotes) log.warn(`metadata log recovery: ${note}`);
  const metadataLog = await RaftMetadataLog.open({
    fs,
    log: metadataPartition,
    clock,
    random: systemRandom,
    nodeId: config.nodeId,
    voters: metadataVoters(config, log),
    config: raftConfig(),
    onFatal: (e) => log.error(`metadata quorum failed; metadata changes are refused from now on: ${e instanceof Error ? e.stack : String(e)}`),
  });
  await metadataLog.replay((record, offset) => replicas.applyChange(image.replay(record, offset)));
  await metadataLog.start();
  const groups = new GroupCoordinator({
    config: {
      offsetsTopicNumPartitions: config.offsetsTopicNumPartitions,
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      maxSize: config.groupMaxSize,
      offsetsRetentionMs: config.offsetsRetentionMs,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
      offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
    },
    clock,
    logger: log,
    nodeId: config.nodeId,
    newUuid: randomUuidString,
    offsetsTopicExists: () => image.topicsByName.has(OFFSETS_TOPIC),
    createOffsetsTopic: () => createOffsetsTopic(),
  });
  // The group coordinator serves the __consumer_offsets partitions this node leads, from startup
  // (already in the image) or from when the topic is created on the first FindCoordinator.
  const hostOffsetsPartition = (partitionId: number, leader: number): void => {
    const partition = replicas.get(OFFSETS_TOPIC, partitionId);
    if (leader === config.nodeId && partition !== undefined) groups.hostPartition(partitionId, partitionCoordinatorLog(partition));
  };
  for (const p of image.topicsByName.get(OFFSETS_TOPIC)?.partitions.values() ?? []) hostOffsetsPartition(p.partitionId, p.leader);
  const producerIds = new ProducerIdManager(() => controller.run(allocateProducerIdsCommand(config.nodeId)));
  const txns = new TxnCoordinator({
    config: {
      numPartitions: config.transactionStateLogNumPartitions,
      maxTimeoutMs: config.transactionMaxTimeoutMs,
      abortTimedOutIntervalMs: config.transactionAbortTimedOutTransactionCleanupIntervalMs,
      idExpirationMs: config.transactionalIdExpirationMs,
      removeExpiredIntervalMs: config.transactionRemoveExpiredTransactionCleanupIntervalMs,
    },
    clock,
    logger: log,
    nodeId: config.nodeId,
    topicExists: () => image.topicsByName.has(TRANSACTION_STATE_TOPIC),
    createTopic: () => createTransactionStateTopic(),
    generateProducerId: () => producerIds.generate(),
    writeMarker: localMarkerWriter(replicas, groups, clock, log),
    partitionExists: (topic, partition) => image.topicsByName.get(topic)?.partitions.has(partition) === true,
  });
  // The same for the transaction coordinator and __transaction_state.
  const hostTransactionStatePartition = (partitionId: number, leader: number): void => {
    const partition = replicas.get(TRANSACTION_STATE_TOPIC, partitionId);
    if (leader === config.nodeId && partition !== undefined) txns.hostPartition(partitionId, partitionCoordinatorLog(partition), partition.leaderEpoch);
  };
  for (const p of image.topicsByName.get(TRANSACTION_STATE_TOPIC)?.partitions.values() ?? []) hostTransactionStatePartition(p.partitionId, p.leader);
  const connections = new Set<Connection>();
  let endpoints: Endpoint[] = [];
  const metrics = createNodeMetrics({ config, image, replicas, configs, groups, connections: () => connections, endpoints: () => endpoints, quorum: metadataLog });
  const onMetadataChange = async (change: MetadataChange): Promise<void> => {
    await replicas.applyChange(change);
    if (change.kind === 'partitionAdded' && change.topic.name === OFFSETS_TOPIC) hostOffsetsPartition(change.partition.partitionId, change.partition.leader);
    if (change.kind === 'partitionAdded' && change.topic.name === TRANSACTION_STATE_TOPIC) hostTransactionStatePartition(change.partition.partitionId, change.partition.leader);
    if (change.kind === 'topicRemoved') await groups.onTopicDeleted(change.topic.name);
    if (change.kind === 'topicRemoved') metrics?.topics.removeTopic(change.topic.name);
  };
  const controller = new Controller(image, metadataLog, onMetadataChange);
  await controller.run(bootstrapFeaturesCommand());
  // Kafka creates its internal topics lazily, on the first FindCoordinator for a group (or a
  // transactional id): a broker never used for groups has no 50 empty partitions. Compacted.
  const createInternalTopic = async (name: string, numPartitions: number, replicationFactor: number, segmentBytes: number): Promise<void> => {
    const spec = {
      name,
      numPartitions,
      replicationFactor,
      assignments: [],
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'compression.type', value: name === OFFSETS_TOPIC ? 'producer' : 'uncompressed' },
        { name: 'segment.bytes', value: String(segmentBytes) },
      ],
    };
    const defaults = {
      numPartitions,
      replicationFactor,
      brokerIds: [config.nodeId],
      validateConfig: (key: string, value: string | null) => configs.validateTopicConfig(key, value),
      newTopicId: randomTopicId,
    };
    const outcomes = await controller.run((img) => createTopicsCommand(img.topicsByName.has(name) ? [] : [spec], false, defaults)(img));
    const failed = outcomes.find((o) => o.errorCode !== ErrorCode.NONE && o.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS);
    if (failed !== undefined) throw new Error(`${name}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
  };
  const createOffsetsTopic = (): Promise<void> => createInternalTopic(OFFSETS_TOPIC, config.offsetsTopicNumPartitions, config.offsetsTopicReplicationFactor, config.offsetsTopicSegmentBytes);
  const createTransactionStateTopic = (): Promise<void> => createInternalTopic(TRANSACTION_STATE_TOPIC, config.transactionStateLogNumPartitions, config.transactionStateLogReplicationFactor, config.transactionStateLogSegmentBytes);
  // producer.id.expiration.ms: partitions forget idle idempotent producers (not ones with an open transaction).
  const producerExpiry: { timer: { cancel(): void } | null } = { timer: null };
  const scheduleProducerExpiry = (): void => {
    producerExpiry.timer = clock.setTimer(Math.min(config.producerIdExpirationMs, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS), () => {
      const removed = replicas.expireProducers(clock.nowMs(), config.producerIdExpirationMs);
      if (removed > 0) log.info(`expired ${removed} idle producer ids (producer.id.expiration.ms=${config.producerIdExpirationMs})`);
      scheduleProducerExpiry();
    });
  };
  scheduleProducerExpiry();
  // replica.high.watermark.checkpoint.interval.ms: each log dir's replication-offset-checkpoint.
  const hwCheckpoint: { timer: { cancel(): void } | null; stopped: boolean } = { timer: null, stopped: false };
  const scheduleHwCheckpoint = (): void => {
    if (hwCheckpoint.stopped) return;
    hwCheckpoint.timer = clock.setTimer(HW_CHECKPOINT_INTERVAL_MS, () => {
      replicas.checkpointHighWatermarks().then(scheduleHwCheckpoint, (e: unknown) => {
        log.warn(`replication-offset-checkpoint: ${e instanceof Error ? e.message : String(e)}`);
        scheduleHwCheckpoint();
      });
    });
  };
  scheduleHwCheckpoint();
  // Only now are every topic's configs known: retention must not judge a log by the defaults.
  logs.startBackgroundTasks({
    retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    cleanerEnabled: config.logCleanerEnable,
    cleanerBackoffMs: config.logCleanerBackoffMs,
  });

  const settings: BrokerSettings = {
    nodeId: config.nodeId,
    clusterId,
    rack: null,
    autoCreateTopics: config.autoCreateTopicsEnable,
    defaultNumPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    deleteTopicEnable: config.deleteTopicEnable,
  };
  const markers = localMarkerWriter(replicas, groups, clock, log);
  // Bound once the registry runs (it needs the listeners first); until then validated topics refuse.
  let schemaRegistry: RunningSchemaRegistry | null = null;
  const services: BrokerServices = { settings, clock, image, controller, replicas, configs, log, groups, txns, markers, producerIds, quorum: metadataLog, advertisedEndpoints: () => endpoints, schemaValidator: () => schemaRegistry?.validator() ?? null };
  const processor = new KafkaRequestProcessor(createRegistry(), services, metrics?.topics);

  const framePool = new FramePool(POOLED_FRAME_MIN_BYTES, POOLED_FRAMES_MAX_BYTES);
  let nextConnectionId = 0;
  const tcpListeners: TcpListener[] = [];
  let metricsUrls: string[] = [];
  try {
    metricsUrls = (await metrics?.listen()) ?? [];
    for (const l of config.listeners) {
      const tcp = await listenTcp(l.host, l.port, (stream) => {
        const conn = new Connection(nextConnectionId++, stream, l.name, processor, { maxFrameBytes: config.socketRequestMaxBytes, maxInFlightRequests: MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, framePool, observer: metrics?.observer }, (m) => log.warn(m), () => connections.delete(conn));
        connections.add(conn);
      });
      tcpListeners.push(tcp);
    }
  } catch (e) {
    groups.close();
    txns.close();
    producerExpiry.timer?.cancel();
    await Promise.all(tcpListeners.map((t) => t.close()));
    await metrics?.close();
    metadataLog.close();
    await metadataPartition.close();
    await logs.close();
    throw e;
  }
  endpoints = advertise(config, tcpListeners);
  // The registry reaches this node as any Kafka client does, through its first listener.
  const first = endpoints[0];
  if (config.schemaRegistryListeners.length > 0 && first !== undefined) {
    try {
      // Bound now, ready once its client has read _schemas: the node does not wait for that.
      schemaRegistry = await startSchemaRegistry({ bootstrap: [`${first.host}:${first.port}`], listeners: config.schemaRegistryListeners, clock, logger: log, waitUntilReady: false });
    } catch (e) {
      await Promise.all(tcpListeners.map((t) => t.close()));
      for (const c of connections) c.close();
      groups.close();
      txns.close();
      producerExpiry.timer?.cancel();
      await metrics?.close();
      await metadataPartition.close();
      await logs.close();
      throw e;
    }
  }

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // First, while the broker still answers its Kafka client.
      await schemaRegistry?.close();
      await Promise.all(tcpListeners.map((t) => t.close()));
      await metrics?.close();
      for (const c of connections) c.close();
      groups.close();
      txns.close();
      producerExpiry.timer?.cancel();
      hwCheckpoint.stopped = true;
      hwCheckpoint.timer?.cancel();
      await replicas.saveProducerSnapshots();
      await replicas.checkpointHighWatermarks();
      // The metadata log closes first: LogManager.close() writes the clean-shutdown marker.
      metadataLog.close();
      await metadataPartition.close();
      await logs.close();
    })());

  return {
    nodeId: config.nodeId,
    clusterId,
    bootstrap: first === undefined ? '' : `${first.host}:${first.port}`,
    endpoints,
    logDirs: config.logDirs,
    metricsUrls,
    schemaRegistryUrls: schemaRegistry?.urls ?? [],
    stop,
  };
}

/**
 * The metadata quorum's voters: this node alone. controller.quorum.voters naming other nodes is
 * accepted (an unchanged cluster server.properties starts) with a warning: the quorum across
 * nodes comes with the cluster wiring (issue #10).
 */
function metadataVoters(config: LoadedConfig['config'], log: Logger): number[] {
  const others = config.controllerQuorumVoters.filter((v) => v.id !== config.nodeId);
  if (others.length > 0) log.warn(`controller.quorum.voters names ${others.map((v) => `${v.id}@${v.host}:${v.port}`).join(', ')}: this node runs the metadata quorum alone; a quorum across nodes is not built yet`);
  return [config.nodeId];
}

/** advertised.listeners with ports resolved (port 0 → the port actually bound) and hosts filled in. */
function advertise(config: LoadedConfig['config'], bound: readonly TcpListener[]): Endpoint[] {
  return config.advertisedListeners.map((a) => {
    const i = config.listeners.findIndex((l) => l.name === a.name);
    const listener = config.listeners[i];
    const tcp = bound[i];
    const port = a.port === 0 && tcp !== undefined ? tcp.port : a.port;
    const host = a.host !== '' ? a.host : listener !== undefined && listener.host !== '' ? listener.host : localHostName();
    return { listenerName: a.name, host, port, securityProtocol: a.securityProtocol };
  });
}

/** A topic's log settings: its overrides, else the broker's log.* defaults (Kafka's synonyms). */
function topicLogConfig(configs: StaticConfigService, overrides: ReadonlyMap<string, string>): LogConfig {
  const num = (name: string): number => Number(configs.topicValue(name, overrides));
  const policy = configs.topicValue('cleanup.policy', overrides);
  const policies = Array.isArray(policy) ? (policy as readonly string[]) : [];
  return {
    segmentBytes: num('segment.bytes'),
    segmentMs: num('segment.ms'),
    indexIntervalBytes: num('index.interval.bytes'),
    maxIndexBytes: num('segment.index.bytes'),
    flushIntervalMessages: num('flush.messages'),
    flushIntervalMs: num('flush.ms'),
    retentionMs: num('retention.ms'),
    retentionBytes: num('retention.bytes'),
    cleanupDelete: policies.includes('delete'),
    cleanupCompact: policies.includes('compact'),
    fileDeleteDelayMs: num('file.delete.delay.ms'),
    logAppendTime: configs.topicValue('message.timestamp.type', overrides) === 'LogAppendTime',
    deleteRetentionMs: num('delete.retention.ms'),
    minCleanableDirtyRatio: num('min.cleanable.dirty.ratio'),
    minCompactionLagMs: num('min.compaction.lag.ms'),
    maxCompactionLagMs: num('max.compaction.lag.ms'),
  };
}
