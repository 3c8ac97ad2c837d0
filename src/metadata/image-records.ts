/**
 * The image as metadata records: what a snapshot of the metadata log holds (Kafka's
 * MetadataImage.write). Replaying the records into an empty image gives an image equal to this one
 * in everything the image keeps: features, registered brokers with their fencing and controlled-
 * shutdown state, topics and partitions, config values, the next producer id.
 *
 * Order as Kafka's: features first (metadata.version before anything that depends on it), then
 * the cluster's brokers, topics with their partitions, configs, producer ids. What the image does
 * not keep (a broker's supported feature ranges and log dirs, partitions' adding/removing
 * replicas, directories, ELR) is not in the records either.
 */
import type { MetadataImage } from './metadata-image.js';
import type { MetadataRecord } from './metadata-record.js';

/** RegisterBrokerRecord v3 (inControlledShutdown from v1, logDirs from v3), as the controller writes it. */
const REGISTER_BROKER_VERSION = 3;

export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  const features = [...image.finalizedFeatures].sort(([a], [b]) => (a === 'metadata.version' ? -1 : b === 'metadata.version' ? 1 : a.localeCompare(b)));
  for (const [name, featureLevel] of features) out.push({ type: 'featureLevel', version: 0, data: { name, featureLevel } });
  for (const b of [...image.brokers.values()].sort((x, y) => x.id - y.id)) {
    out.push({
      type: 'registerBroker',
      version: REGISTER_BROKER_VERSION,
      data: {
        brokerId: b.id,
        isMigratingZkBroker: false,
        incarnationId: b.incarnationId,
        brokerEpoch: b.epoch,
        endPoints: b.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
        features: [],
        rack: b.rack,
        fenced: b.fenced,
        inControlledShutdown: b.inControlledShutdown,
        logDirs: [],
      },
    });
  }
  for (const t of image.topicsById.values()) {
    out.push({ type: 'topic', version: 0, data: { name: t.name, topicId: t.topicId } });
    for (const p of [...t.partitions.values()].sort((x, y) => x.partitionId - y.partitionId)) {
      out.push({
        type: 'partition',
        version: 0,
        data: { partitionId: p.partitionId, topicId: t.topicId, replicas: [...p.replicas], isr: [...p.isr], removingReplicas: [], addingReplicas: [], leader: p.leader, leaderRecoveryState: p.leaderRecoveryState, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch },
      });
    }
  }
  for (const c of image.configEntries()) out.push({ type: 'config', version: 0, data: { ...c } });
  // Kafka's ProducerIdsImage writes broker id and epoch -1: only the next id is state.
  if (image.nextProducerId > 0n) out.push({ type: 'producerIds', version: 0, data: { brokerId: -1, brokerEpoch: -1n, nextProducerId: image.nextProducerId } });
  return out;
}
