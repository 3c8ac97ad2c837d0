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
import { randomTopicId, randomUuidString, systemRandom } from './io/random.js';
import type { FileSystem } from './io/file-system.js';
import { consoleLogger, type Logger } from './util/logger.js';
import type { LoadedConfig, ProcessRole } from './config/index.js';
import { ensureFormatted } from './storage/meta-properties.js';
import { hasBootstrapCheckpoint, isDynamicQuorum, standaloneEndpoint, writeBootstrapCheckpoint } from './node-quorum-format.js';
import { LogManager } from './storage/log-manager.js';
import { PartitionLog } from './storage/partition-log.js';
import type { LogConfig } from './storage/log-config.js';
import { advertise, quorumVoters, topicLogConfig } from './node-config.js';
import { isActiveBroker } from './metadata/broker-image.js';
import { ConfigResourceType, MetadataImage } from './metadata/metadata-image.js';
import { Controller } from './controller/controller.js';
import { MetadataPublisher } from './controller/metadata-publisher.js';
import { ClusterControl } from './controller/cluster-control.js';
import { RaftSocketTransport } from './cluster/raft-socket-transport.js';
import { ReplicaFetchTransport } from './cluster/replica-fetch-transport.js';
import { ControllerChannel } from './cluster/controller-channel.js';
import { RequestForwarder } from './cluster/request-forwarder.js';
import { ReplicaFetcherManager } from './replication/fetcher-manager.js';
import { imageReplicationQuotas } from './partition/replication-quota.js';
import { logDirMoveThrottle } from './partition/log-dir-move-throttle.js';
import { apiCall, type HostPort } from './client/connection.js';
import { BrokerRequests } from './cluster/broker-requests.js';
import { routedMarkerWriter } from './coordinator/txn/routed-markers.js';
import { encodeWriteTxnMarkersRequest, writeTxnMarkersRequestMeta } from './protocol/generated/messages/write-txn-markers-request.js';
import { decodeWriteTxnMarkersResponse } from './protocol/generated/messages/write-txn-markers-response.js';
import { ControllerLink } from './node-controller-link.js';
import { BrokerLifecycle } from './node-lifecycle.js';
import { followRole, forgetReplicas } from './node-leadership.js';
import { startBackgroundTasks, startControllerDuties } from './node-tasks.js';
import { isrProposer, registration, brokerAddress, clusterIdFromVoters } from './node-registration.js';
import { clusterIdFromControllers } from './node-cluster-id.js';
import { bootstrapFeaturesCommand } from './controller/feature-control.js';
import { METADATA_TOPIC } from './controller/metadata-log.js';
import { RaftMetadataLog } from './controller/raft-metadata-log.js';
import { raftConfig } from './raft/index.js';
import { StaticConfigService } from './controller/config-service.js';
import { ReplicaManager } from './partition/replica-manager.js';
import { ProducerIdManager } from './partition/producer-id-manager.js';
import { Connection } from './network/connection.js';
import { FramePool } from './network/frame-pool.js';
import { KafkaRequestProcessor } from './kafka/request-processor.js';
import { createRegistry } from './kafka/registry.js';
import type { BrokerServices, BrokerSettings, Endpoint } from './kafka/context.js';
import type { MetadataChange } from './metadata/metadata-image.js';
import type { TopicDefaults } from './controller/topic-control.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import { GroupCoordinator } from './coordinator/group/group-coordinator.js';
import { OFFSETS_TOPIC } from './coordinator/group/records.js';
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
  /** process.roles: broker, controller or both. */
  readonly roles: readonly ProcessRole[];
  /** host:port of the first listener, for a client's bootstrap.servers. */
  readonly bootstrap: string;
  readonly endpoints: readonly Endpoint[];
  readonly logDirs: readonly string[];
  /** Where Prometheus scrapes this node (tributary.metrics.listeners, ports resolved); empty when off. */
  readonly metricsUrls: readonly string[];
  /** The schema registry's REST endpoints (schema.registry.listeners, ports resolved); empty when off. */
  readonly schemaRegistryUrls: readonly string[];
  /**
   * Resolves once the controller has unfenced this broker (it serves its partitions). Alone in its
   * quorum a node is ready when runNode returns; in a cluster once a quorum has formed. A
   * controller-only node is ready once it knows the quorum's leader.
   */
  readonly ready: Promise<void>;
  /** The metadata quorum's leader as this node knows it (the active controller), -1 if none. */
  quorumLeader(): number;
  /** Stops after handing this broker's leaderships to others (controlled shutdown). */
  stop(): Promise<void>;
  /** Stops at once, without controlled shutdown (as a node that lost power, minus the disk loss). */
  halt(): Promise<void>;
}

const MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = 256;
/** Request frames this large are filled into reusable buffers; at most this much is kept for reuse. */
const POOLED_FRAME_MIN_BYTES = 128 * 1024;
const POOLED_FRAMES_MAX_BYTES = 64 * 1024 * 1024;

export async function runNode(loaded: LoadedConfig, deps: NodeDeps = {}): Promise<RunningNode> {
  const config = loaded.config;
  const fs = deps.fs ?? realFileSystem;
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? consoleLogger();
  for (const w of loaded.warnings) log.warn(w);
  const isBroker = config.processRoles.includes('broker');
  const isController = config.processRoles.includes('controller');
  const voters = quorumVoters(config);
  // A combined node with no voters configured is a cluster of its own (Tributary's default). One
  // that lists voters, even only itself, is a member of a cluster other nodes may join (a
  // broker-only node follows the voters' metadata log as an observer).
  // A node that knows the controllers only by controller.quorum.bootstrap.servers (KIP-853): the
  // voters live in the metadata log; a controller formats itself as node-quorum-format.ts says.
  const dynamicQuorum = isDynamicQuorum(config);
  const alone = isBroker && isController && voters.size === 0 && !dynamicQuorum;
  const standalone = standaloneEndpoint(config);
  const bootstrapOnly = dynamicQuorum && standalone === undefined;
  const bootstrapServers = dynamicQuorum ? config.controllerQuorumBootstrapServers : [];
  const newClusterId = voters.size > 0 ? () => clusterIdFromVoters(config.controllerQuorumVoters) : bootstrapOnly ? () => clusterIdFromControllers(bootstrapServers, clock, log) : randomTopicId;
  const { clusterId, directoryIds } = await ensureFormatted(fs, config.logDirs, config.nodeId, newClusterId, randomTopicId);
  const image = new MetadataImage();
  const configs = new StaticConfigService(loaded, {
    perBroker: () => image.resourceConfig(ConfigResourceType.Broker, String(config.nodeId)),
    clusterDefault: () => image.resourceConfig(ConfigResourceType.Broker, ''),
  });
  const logConfigFor = (topic: string): LogConfig => topicLogConfig(configs, image.topicConfig(topic));
  const logs = await LogManager.open(fs, config.logDirs, { clock, configFor: logConfigFor, logger: log, skipTopics: [METADATA_TOPIC] });
  const publisher = new MetadataPublisher(image);
  // The metadata log lives in the first log dir (Kafka's metadata.log.dir default), outside LogManager.
  const metadataDir = config.logDirs[0] as string;
  const metadataPartition = await PartitionLog.open(fs, join(metadataDir, `${METADATA_TOPIC}-0`), logConfigFor(METADATA_TOPIC), {
    clock,
    hadCleanShutdown: logs.hadCleanShutdown(metadataDir),
  });
  for (const note of metadataPartition.recoveryNotes) log.warn(`metadata log recovery: ${note}`);
  // Also over a log an earlier Tributary wrote for this node alone (kraft.version 0, no voter set):
  // without the checkpoint it would wait as an observer for a leader that never comes.
  if (standalone !== undefined && !(await hasBootstrapCheckpoint(fs, metadataPartition.dir))) {
    await writeBootstrapCheckpoint(fs, metadataPartition.dir, { id: config.nodeId, directoryId: directoryIds[0] ?? '', endpoints: [standalone] }, clock.nowMs());
  }
  const raftTransport = alone ? undefined : new RaftSocketTransport({ nodeId: config.nodeId, voters, bootstrapServers, clock, requestTimeoutMs: config.controllerQuorumRequestTimeoutMs });
  // A controller's listener: from controller.quorum.voters, else as the quorum's answers named it.
  const controllerAddress = (id: number): HostPort | undefined => voters.get(id) ?? raftTransport?.endpointOf(id);
  const metadataLog = await RaftMetadataLog.open({
    fs,
    log: metadataPartition,
    clock,
    random: systemRandom,
    nodeId: config.nodeId,
    voters: alone ? [config.nodeId] : [...voters.keys()],
    config: raftConfig({
      electionTimeoutMs: config.controllerQuorumElectionTimeoutMs,
      fetchTimeoutMs: config.controllerQuorumFetchTimeoutMs,
      electionBackoffMaxMs: config.controllerQuorumElectionBackoffMaxMs,
      requestTimeoutMs: config.controllerQuorumRequestTimeoutMs,
      retryBackoffMs: config.controllerQuorumRetryBackoffMs,
    }),
    transport: raftTransport,
    dynamic: dynamicQuorum,
    clusterId,
    onCommitted: (batch) => publisher.publish(batch),
    onSnapshotLoaded: (records, endOffset) => publisher.reload(records, endOffset),
    snapshotMaxBytes: config.metadataLogMaxRecordBytesBetweenSnapshots,
    snapshotIntervalMs: config.metadataLogMaxSnapshotIntervalMs,
    onFatal: (e) => log.error(`metadata quorum failed; metadata changes are refused from now on: ${e instanceof Error ? e.stack : String(e)}`),
  });
  const controller = new Controller(image, metadataLog);
  const channel = alone ? null : new ControllerChannel({ nodeId: config.nodeId, addressOf: controllerAddress, leaderId: () => metadataLog.leaderId, clock, attemptTimeoutMs: config.controllerQuorumRequestTimeoutMs });
  const forwarder = alone ? undefined : new RequestForwarder({ addressOf: controllerAddress, controller: () => metadataLog.controllerState(), timeoutMs: 30_000, attemptTimeoutMs: config.controllerQuorumRequestTimeoutMs, clock });
  const clusterControl = new ClusterControl({
    run: (c) => controller.run(c),
    image,
    sessionTimeoutMs: config.brokerSessionTimeoutMs,
    uncleanLeaderElection: (topic) => String(configs.topicValue('unclean.leader.election.enable', image.topicConfig(topic))) === 'true',
    clusterId,
  });
  const lifecycleRef: { current: BrokerLifecycle | null } = { current: null };
  const brokerEpoch = (): bigint => lifecycleRef.current?.brokerEpoch ?? -1n;
  const link = new ControllerLink({ nodeId: config.nodeId, controller, control: clusterControl, channel, clock, brokerEpoch });
  const moveThrottle = logDirMoveThrottle({ image, localId: config.nodeId, clock, windows: config.alterLogDirsQuotaWindowNum, windowMs: config.alterLogDirsQuotaWindowMs });
  const replicas = new ReplicaManager(fs, logs, {
    nodeId: config.nodeId,
    moveThrottle: moveThrottle.throttle,
    fsyncOnAcksAll: config.acksAllFsync,
    logConfigFor,
    maxMessageBytesFor: (topic) => Number(configs.topicValue('max.message.bytes', image.topicConfig(topic))),
    minInsyncReplicasFor: (topic) => Number(configs.topicValue('min.insync.replicas', image.topicConfig(topic))),
    onConfigError: (m) => log.warn(m),
    logger: log,
    replication: {
      localId: config.nodeId,
      clock,
      replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
      alterIsr: isrProposer(image, link, config.nodeId, brokerEpoch, log),
      isReplicaEligible: (id) => isActiveBroker(image.brokers.get(id)),
    },
  });
  // Replication throttles (KIP-73): bounds from the dynamic broker configs, throttled replicas from topic configs.
  const quotas = imageReplicationQuotas({ image, localId: config.nodeId, clock, windows: config.replicationQuotaWindowNum, windowMs: config.replicationQuotaWindowMs });
  const fetchTransport = alone ? null : new ReplicaFetchTransport({ localId: config.nodeId, lookup: (id) => brokerAddress(image, id, config.interBrokerListenerName), clock });
  const fetchers = fetchTransport === null
    ? null
    : new ReplicaFetcherManager({
        localId: config.nodeId,
        clock,
        transport: fetchTransport as ReplicaFetchTransport,
        maxWaitMs: config.replicaFetchWaitMaxMs,
        maxBytes: config.replicaFetchResponseMaxBytes,
        partitionMaxBytes: config.replicaFetchMaxBytes,
        backoffMs: config.replicaFetchBackoffMs,
        quota: quotas.follower,
        onError: (m) => log.warn(m),
      });
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
    leaderOf: (id) => image.topicsByName.get(OFFSETS_TOPIC)?.partitions.get(id)?.leader ?? -1,
    createOffsetsTopic: () => createOffsetsTopic(),
  });
  const producerIds = new ProducerIdManager(() => link.allocateProducerIds());
  // WriteTxnMarkers answers write locally; the coordinator's markers go to each partition's leader.
  const markers = localMarkerWriter(replicas, groups, clock, log);
  const brokerRequests = alone ? null : new BrokerRequests({ nodeId: config.nodeId, lookup: (id) => brokerAddress(image, id, config.interBrokerListenerName), timeoutMs: 30_000 });
  const coordinatorMarkers = brokerRequests === null
    ? markers
    : routedMarkerWriter({
        localId: config.nodeId,
        leaderOf: (topic, partition) => image.topicsByName.get(topic)?.partitions.get(partition)?.leader ?? -1,
        local: markers,
        send: (brokerId, request) => brokerRequests.send(brokerId, apiCall(writeTxnMarkersRequestMeta, encodeWriteTxnMarkersRequest, decodeWriteTxnMarkersResponse, request)),
        logger: log,
      });
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
    leaderOf: (id) => image.topicsByName.get(TRANSACTION_STATE_TOPIC)?.partitions.get(id)?.leader ?? -1,
    createTopic: () => createTransactionStateTopic(),
    generateProducerId: () => producerIds.generate(),
    writeMarker: coordinatorMarkers,
    partitionExists: (topic, partition) => image.topicsByName.get(topic)?.partitions.has(partition) === true,
  });
  const connections = new Set<Connection>();
  // Set once the node starts stopping (declared early: startup callbacks check it).
  let stopping: Promise<void> | null = null;
  let endpoints: Endpoint[] = [];
  const metrics = createNodeMetrics({ config, image, replicas, configs, groups, connections: () => connections, endpoints: () => endpoints, quorum: metadataLog, replicationQuotas: quotas });
  // Every committed metadata change, in order: local logs and their roles, the fetchers and the
  // coordinators that follow those roles, and what forgets a deleted topic.
  const leadership = { fetchers, groups, txns, log };
  publisher.subscribe(async (change: MetadataChange): Promise<void> => {
    if (change.kind === 'topicRemoved') await forgetReplicas(replicas.partitionsOf(change.topic.name)?.values() ?? [], leadership);
    const role = await replicas.applyChange(change);
    if (role !== null) await followRole(role, leadership);
    if (change.kind === 'topicRemoved') await groups.onTopicDeleted(change.topic.name);
    if (change.kind === 'topicRemoved') metrics?.topics.removeTopic(change.topic.name);
  });
  await metadataLog.replay((batch) => publisher.publish(batch));
  await metadataLog.start();
  // Alone, this node is the active controller now; in a cluster the active one bootstraps them.
  if (alone) await controller.run(bootstrapFeaturesCommand());
  const controllerDuties = startControllerDuties({ controller, clusterControl, clock, image, alone, intervalMs: Math.min(CONTROLLER_DUTY_INTERVAL_MS, Math.max(50, config.brokerSessionTimeoutMs / 4)), log });
  const topicDefaults = (): TopicDefaults => ({
    numPartitions: config.numPartitions,
    replicationFactor: config.defaultReplicationFactor,
    brokerIds: clusterControl.placementBrokers(),
    fencedBrokerIds: clusterControl.fencedBrokers(),
    racks: clusterControl.placementRacks(),
    validateConfig: (key: string, value: string | null) => configs.validateTopicConfig(key, value),
    newTopicId: randomTopicId,
  });
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
    const outcomes = await link.createTopics(image.topicsByName.has(name) ? [] : [spec], topicDefaults());
    const failed = outcomes.find((o) => o.errorCode !== ErrorCode.NONE && o.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS);
    if (failed !== undefined) throw new Error(`${name}: ${failed.errorMessage ?? `error ${failed.errorCode}`}`);
  };
  const createOffsetsTopic = (): Promise<void> => createInternalTopic(OFFSETS_TOPIC, config.offsetsTopicNumPartitions, config.offsetsTopicReplicationFactor, config.offsetsTopicSegmentBytes);
  const createTransactionStateTopic = (): Promise<void> => createInternalTopic(TRANSACTION_STATE_TOPIC, config.transactionStateLogNumPartitions, config.transactionStateLogReplicationFactor, config.transactionStateLogSegmentBytes);
  const background = startBackgroundTasks({ config, clock, log, replicas, logs });

  const settings: BrokerSettings = {
    nodeId: config.nodeId,
    clusterId,
    rack: config.brokerRack,
    replicaSelector: config.replicaSelector,
    autoCreateTopics: config.autoCreateTopicsEnable,
    defaultNumPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    deleteTopicEnable: config.deleteTopicEnable,
    isBroker,
    controllerListenerNames: config.controllerListenerNames,
    ...(alone ? {} : { quorumVoters: voters }),
  };
  // Bound once the registry runs (it needs the listeners first); until then validated topics refuse.
  let schemaRegistry: RunningSchemaRegistry | null = null;
  const services: BrokerServices = {
    settings, clock, image, controller, replicas, leaderReplicationQuota: quotas.leader, configs, log, groups, txns, markers, producerIds, clusterControl, forwarder,
    quorum: metadataLog,
    advertisedEndpoints: () => endpoints,
    createTopics: (specs) => link.createTopics(specs, topicDefaults()),
    schemaValidator: () => schemaRegistry?.validator() ?? null,
  };
  const processor = new KafkaRequestProcessor(createRegistry(), services, metrics?.topics);

  const incarnationId = randomTopicId();
  const lifecycle = !isBroker ? null : new BrokerLifecycle({
    registration: () => registration(config, clusterId, incarnationId, endpoints, directoryIds),
    metadataOffset: () => image.lastOffset,
    heartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
    clock,
    log,
    link,
  });
  lifecycleRef.current = lifecycle;
  // In a cluster, client listeners serve once this broker is unfenced (it has caught up).
  if (lifecycle !== null && !alone) processor.servesAfter(lifecycle.unfenced);
  const framePool = new FramePool(POOLED_FRAME_MIN_BYTES, POOLED_FRAMES_MAX_BYTES);
  let nextConnectionId = 0;
  const tcpListeners: TcpListener[] = [];
  let metricsUrls: string[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(tcpListeners.map((t) => t.close()));
    for (const c of connections) c.close();
    lifecycleRef.current?.stop();
    controllerDuties.stop();
    // The metadata stops first: no role change may start a fetcher or a coordinator load after this.
    metadataLog.close();
    await fetchers?.stop();
    groups.close();
    txns.close();
    background.stop();
    await metrics?.close();
    fetchTransport?.close();
    raftTransport?.close();
    channel?.close();
    forwarder?.close();
    brokerRequests?.close();
  };
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
    await closeAll();
    await metadataPartition.close();
    await logs.close();
    throw e;
  }
  endpoints = advertise(config, tcpListeners);
  lifecycle?.start();
  // Once caught up (unfenced), logs the image no longer places here are deleted: Kafka's strays.
  void lifecycle?.unfenced.then(async () => {
    if (stopping !== null) return;
    for (const d of await replicas.deleteStrayLogs(image)) log.info(`deleted stray replica ${d}`);
  }).catch((e: unknown) => log.warn(`deleting stray replicas: ${(e as Error).message}`));
  // Alone, the registration and unfencing are local and immediate: the node is ready on return.
  if (alone && lifecycle !== null) await lifecycle.unfenced;
  // The registry reaches this node as any Kafka client does, through its first listener.
  const first = endpoints[0];
  if (isBroker && config.schemaRegistryListeners.length > 0 && first !== undefined) {
    try {
      // Bound now, ready once its client has read _schemas: the node does not wait for that.
      schemaRegistry = await startSchemaRegistry({ bootstrap: [`${first.host}:${first.port}`], listeners: config.schemaRegistryListeners, clock, logger: log, waitUntilReady: false });
    } catch (e) {
      await closeAll();
      await metadataPartition.close();
      await logs.close();
      throw e;
    }
  }

  const shutdown = (controlled: boolean): Promise<void> =>
    (stopping ??= (async () => {
      // Leaderships move to other replicas first, while this node still serves its followers.
      if (controlled && !alone) await lifecycle?.controlledShutdown(CONTROLLED_SHUTDOWN_MAX_MS);
      // And the quorum's leadership, if this node has it (EndQuorumEpoch: a new leader at once).
      if (controlled && !alone && isController) await metadataLog.resign();
      // Then, while the broker still answers its Kafka client.
      await schemaRegistry?.close();
      await closeAll();
      // A log-dir move in progress stops here; it resumes from its future log at the next start.
      await replicas.cancelMoves();
      await replicas.saveProducerSnapshots();
      await replicas.checkpointHighWatermarks();
      // The metadata log closes first: LogManager.close() writes the clean-shutdown marker.
      await metadataPartition.close();
      await logs.close();
    })());

  // A broker is ready once unfenced; a controller-only node once it knows the quorum's leader.
  const ready = lifecycle?.unfenced ?? quorumJoined(metadataLog, clock, () => stopping !== null);
  return {
    nodeId: config.nodeId,
    clusterId,
    bootstrap: first === undefined ? '' : `${first.host}:${first.port}`,
    endpoints,
    logDirs: config.logDirs,
    metricsUrls,
    schemaRegistryUrls: schemaRegistry?.urls ?? [],
    roles: config.processRoles,
    ready,
    quorumLeader: () => metadataLog.leaderId,
    stop: () => shutdown(true),
    halt: () => shutdown(false),
  };
}

/**
 * How often the active controller looks for expired broker sessions and unbootstrapped features:
 * often, so a new cluster's metadata.version is finalized within moments of its first election.
 */
const CONTROLLER_DUTY_INTERVAL_MS = 200;

/** How long a stopping node waits for the controller to move its leaderships away. */
const CONTROLLED_SHUTDOWN_MAX_MS = 10_000;

/** Resolves once the metadata quorum has a leader this node knows (polled: the quorum has no event for it). */
function quorumJoined(quorum: RaftMetadataLog, clock: Clock, stopped: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (quorum.leaderId >= 0) resolve();
      else if (!stopped()) clock.setTimer(QUORUM_JOIN_POLL_MS, check);
    };
    check();
  });
}

const QUORUM_JOIN_POLL_MS = 50;

