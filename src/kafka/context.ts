/**
 * What a handler may use: the request's header, its connection, and the broker's services. Handlers
 * stay thin (decode → call the layer that owns the state → encode); every service here is owned by
 * a layer below src/kafka.
 */
import type { Clock } from '../io/clock.js';
import type { ReplicaSelectorKind } from '../config/index.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { ConnectionInfo } from '../network/connection.js';
import type { RequestTiming } from '../network/request-timing.js';
import type { Controller } from '../controller/controller.js';
import type { ReplicaManager } from '../partition/replica-manager.js';
import type { ReplicaQuota } from '../partition/replication-quota.js';
import type { ConfigService } from '../controller/config-service.js';
import type { Logger } from '../util/logger.js';
import type { RecordSchemaValidator } from '../schema-registry/validator.js';
import type { ProducerIdManager } from '../partition/producer-id-manager.js';
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import type { MarkerWriter, TxnCoordinator } from '../coordinator/txn/txn-coordinator.js';
import type { MetadataQuorum } from '../controller/metadata-quorum.js';
import type { ClusterControl } from '../controller/cluster-control.js';
import type { CreateTopicSpec, TopicOutcome } from '../controller/topic-control.js';

export interface BrokerSettings {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly rack: string | null;
  /** replica.selector.class (KIP-392): how a leader picks a consumer's preferred read replica; null or absent: none. */
  readonly replicaSelector?: ReplicaSelectorKind | null;
  readonly autoCreateTopics: boolean;
  readonly defaultNumPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly deleteTopicEnable: boolean;
  /**
   * controller.listener.names: the listeners the quorum's APIs (Vote, BeginQuorumEpoch,
   * EndQuorumEpoch, FetchSnapshot) are served on; absent = every listener.
   */
  readonly controllerListenerNames?: readonly string[];
  /**
   * controller.quorum.voters of a multi-voter quorum: each voter's controller listener address
   * (DescribeQuorum v2 names them); absent for a node that is its own quorum.
   */
  readonly quorumVoters?: ReadonlyMap<number, { readonly host: string; readonly port: number }>;
}

export interface Endpoint {
  readonly listenerName: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: string;
}

export interface BrokerServices {
  readonly settings: BrokerSettings;
  readonly clock: Clock;
  readonly image: MetadataImage;
  readonly controller: Controller;
  readonly replicas: ReplicaManager;
  /** The leader replication quota (KIP-73) a follower's Fetch is throttled by; none: unthrottled. */
  readonly leaderReplicationQuota?: ReplicaQuota;
  readonly configs: ConfigService;
  readonly log: Logger;
  /** The consumer-group coordinator of the __consumer_offsets partitions this node leads. */
  readonly groups: GroupCoordinator;
  /** The transaction coordinator of the __transaction_state partitions this node leads. */
  readonly txns: TxnCoordinator;
  /** Writes a transaction marker to a partition this node leads (WriteTxnMarkers). */
  readonly markers: MarkerWriter;
  /** Producer ids for InitProducerId, from blocks the controller allocates. */
  readonly producerIds: ProducerIdManager;
  /** The metadata quorum's state (DescribeQuorum). */
  readonly quorum: MetadataQuorum;
  /** Brokers and partition leadership on the active controller (BrokerRegistration, BrokerHeartbeat, AlterPartition); absent: NOT_CONTROLLER. */
  readonly clusterControl?: ClusterControl;
  /** The addresses clients should use to reach this broker (advertised.listeners, bound ports resolved). */
  advertisedEndpoints(): readonly Endpoint[];
  /**
   * Creates the topics not there yet through the active controller, wherever it is (auto-creation
   * by Metadata and Produce); this node's image may learn of them a moment after it resolves.
   */
  readonly createTopics?: (specs: readonly CreateTopicSpec[]) => Promise<TopicOutcome[]>;
  /** Sends controller requests on to the active controller when it is another node (a cluster); absent alone. */
  readonly forwarder?: ControllerRequestForwarder;
  /** The node's schema registry as the produce path's validator; null (or absent) when none runs here. */
  readonly schemaValidator?: () => RecordSchemaValidator | null;
}

/** Kafka's ForwardingManager as the request path sees it (src/cluster/request-forwarder.ts). */
export interface ControllerRequestForwarder {
  shouldForward(): boolean;
  /** The controller's response frame for the request frame, or null when it could not be asked. */
  forward(frame: Buffer): Promise<Buffer | null>;
}

export interface RequestContext {
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly connection: ConnectionInfo;
  readonly broker: BrokerServices;
  /** Present when request metrics are on. */
  readonly timing?: RequestTiming;
}

/**
 * Awaits a wait on something other than the request's own work (a fetch parked until data
 * arrives), so request metrics count it as remote time (Kafka's purgatory), not local.
 */
export function remoteWait<T>(ctx: RequestContext, wait: Promise<T>): Promise<T> {
  return ctx.timing === undefined ? wait : ctx.timing.remote(wait);
}
