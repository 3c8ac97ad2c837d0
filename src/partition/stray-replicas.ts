/**
 * Stray replicas, as Kafka 3.7+ finds them once a broker has caught up with the metadata log: logs
 * on this broker's disks for a partition the image no longer places here. They are what a broker
 * that was down misses: its topic deleted (or deleted and created again, with another topic id),
 * or the replica reassigned away. Kafka deletes them; so do we (replica-manager.ts).
 */
import type { MetadataImage } from '../metadata/metadata-image.js';

export interface LogOnDisk {
  readonly topic: string;
  readonly partition: number;
  /** The topic id in its partition.metadata, when it has one. */
  readonly topicId: string | undefined;
}

/** Why `log` is a stray replica on broker `nodeId`, or null when the image still places it here. */
export function strayReason(log: LogOnDisk, image: MetadataImage, nodeId: number): string | null {
  const topic = image.topicsByName.get(log.topic);
  if (topic === undefined) return 'its topic no longer exists';
  if (log.topicId !== undefined && log.topicId !== topic.topicId) return `its topic id ${log.topicId} is not the topic's (${topic.topicId}): the topic was deleted and created again`;
  const partition = topic.partitions.get(log.partition);
  if (partition === undefined) return 'the topic has no such partition';
  if (!partition.replicas.includes(nodeId)) return `its replicas are [${partition.replicas.join(', ')}], not this broker`;
  return null;
}
