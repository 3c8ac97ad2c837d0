/**
 * What this broker tells the controller about itself, and how it finds other brokers and asks
 * for ISR changes: its BrokerRegistration (endpoints, rack, supported features), a broker's
 * address on the inter-broker listener from its registration in the image, and the partition
 * leaders' AlterPartition proposals (the ISR a LeaderRole wants, with the partition epoch the
 * image has, so the controller refuses a proposal made on stale state).
 */
import { createHash } from 'node:crypto';
import type { Logger } from './util/logger.js';
import type { HostPort } from './client/connection.js';
import type { LoadedConfig } from './config/index.js';
import type { MetadataImage } from './metadata/metadata-image.js';
import type { AlterIsr } from './partition/leader-role.js';
import type { Endpoint } from './kafka/context.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import { METADATA_VERSION_LEVEL } from './metadata/features.js';
import type { BrokerRegistrationRequest } from './protocol/generated/messages/broker-registration-request.js';
import type { ControllerLink } from './node-controller-link.js';

/** Kafka's SecurityProtocol ids, as BrokerRegistration carries them. */
const SECURITY_PROTOCOL_IDS: Readonly<Record<string, number>> = { PLAINTEXT: 0, SSL: 1, SASL_PLAINTEXT: 2, SASL_SSL: 3 };

/** `directoryIds`: each log dir's directory.id (KIP-858), registered as Kafka 3.7+ brokers do. */
export function registration(config: LoadedConfig['config'], clusterId: string, incarnationId: string, endpoints: readonly Endpoint[], directoryIds: readonly string[] = []): BrokerRegistrationRequest {
  return {
    brokerId: config.nodeId,
    clusterId,
    incarnationId,
    listeners: endpoints.map((e) => ({ name: e.listenerName, host: e.host, port: e.port, securityProtocol: SECURITY_PROTOCOL_IDS[e.securityProtocol] ?? 0 })),
    features: [{ name: 'metadata.version', minSupportedVersion: METADATA_VERSION_LEVEL, maxSupportedVersion: METADATA_VERSION_LEVEL }],
    rack: config.brokerRack,
    isMigratingZkBroker: false,
    logDirs: [...directoryIds],
    previousBrokerEpoch: -1n,
  };
}

/** Where broker `id` listens on `listenerName` (its registration), if it is registered. */
export function brokerAddress(image: MetadataImage, id: number, listenerName: string): HostPort | undefined {
  const e = image.brokers.get(id)?.endpoints.find((x) => x.name === listenerName);
  return e === undefined ? undefined : { host: e.host, port: e.port };
}

/**
 * A leader's ISR proposal as AlterPartition to the controller; resolves with the ISR in force, or
 * null when the controller refused it (a newer partition or leader epoch, an ineligible replica):
 * the leader then proposes again from what the metadata tells it.
 */
export function isrProposer(image: MetadataImage, link: ControllerLink, nodeId: number, brokerEpoch: () => bigint, log: Logger): AlterIsr {
  return async ({ topic, partition, leaderEpoch, isr }) => {
    const t = image.topicsByName.get(topic);
    const p = t?.partitions.get(partition);
    if (t === undefined || p === undefined) return null;
    const r = await link.alterPartition({
      brokerId: nodeId,
      brokerEpoch: brokerEpoch(),
      topics: [{ topicId: t.topicId, partitions: [{ partitionIndex: partition, leaderEpoch, newIsrWithEpochs: isr.map((id) => ({ brokerId: id, brokerEpoch: -1n })), leaderRecoveryState: 0, partitionEpoch: p.partitionEpoch }] }],
    });
    const answer = r.topics[0]?.partitions[0];
    const code = r.errorCode !== ErrorCode.NONE ? r.errorCode : (answer?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
    if (code !== ErrorCode.NONE || answer === undefined) {
      log.info(`AlterPartition for ${topic}-${partition} (ISR ${isr.join(',')}) refused: error ${code}`);
      return null;
    }
    return answer.isr;
  };
}

/**
 * The cluster id a new node of a multi-voter quorum formats its log dirs with: derived from
 * controller.quorum.voters, so every node of one cluster agrees without a `kafka-storage format`
 * step (a node alone keeps a random id). A base64url uuid, as Kafka's.
 */
export function clusterIdFromVoters(voters: readonly { id: number; host: string; port: number }[]): string {
  const text = [...voters].sort((a, b) => a.id - b.id).map((v) => `${v.id}@${v.host}:${v.port}`).join(',');
  return createHash('sha256').update(`tributary-cluster:${text}`).digest().subarray(0, 16).toString('base64url');
}
