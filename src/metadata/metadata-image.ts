/**
 * The broker's view of cluster metadata, built only by replaying metadata records in log order
 * (DESIGN.md, Metadata). Request handlers read it; nothing else writes it.
 *
 * Invariants: topic names and ids are unique and map 1:1; every partition belongs to a topic in
 * `topicsById`; a removed topic leaves no partitions or configs behind.
 */
import type { MetadataRecord } from './metadata-record.js';
import { replayFencing, replayRegisterBroker, replayRegistrationChange, type BrokerImage } from './broker-image.js';

export const enum ConfigResourceType {
  Topic = 2,
  Broker = 4,
}

export interface PartitionImage {
  readonly partitionId: number;
  /** During a reassignment (Kafka's): the target replicas followed by the removing ones. */
  replicas: number[];
  /** A reassignment's replicas joining (in the target, not in the replicas it started from); else empty. */
  addingReplicas: number[];
  /** A reassignment's replicas leaving (not in the target); else empty. */
  removingReplicas: number[];
  isr: number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  /** 0 RECOVERED, 1 RECOVERING (after an unclean election, until the leader has recovered). */
  leaderRecoveryState: number;
}

export interface TopicImage {
  readonly name: string;
  readonly topicId: string;
  readonly partitions: Map<number, PartitionImage>;
}

/** What one replayed record changed, for the parts of the broker that act on changes (local logs). */
export type MetadataChange =
  | { kind: 'partitionAdded'; topic: TopicImage; partition: PartitionImage }
  | { kind: 'topicRemoved'; topic: TopicImage }
  | { kind: 'configChanged'; resourceType: number; resourceName: string }
  | { kind: 'partitionChanged'; topic: TopicImage; partition: PartitionImage }
  | { kind: 'brokerChanged'; brokerId: number }
  | { kind: 'none' };

/** A resource without overrides (shared: the produce path asks for every partition it appends to). */
const NO_CONFIG: ReadonlyMap<string, string> = new Map();

export class MetadataImage {
  readonly topicsByName = new Map<string, TopicImage>();
  readonly topicsById = new Map<string, TopicImage>();
  /** resourceType → resourceName → key → value (only explicitly set values). */
  private readonly configs = new Map<number, Map<string, Map<string, string>>>();
  /** Offset of the last replayed record; -1 before any. */
  lastOffset = -1;
  /** The first producer id not yet handed to any broker (ProducerIdsRecord). */
  nextProducerId = 0n;
  /** Feature name → finalized level (FeatureLevelRecord; level 0 removes the feature, as in Kafka). */
  readonly finalizedFeatures = new Map<string, number>();
  /** Registered brokers by id (broker-image.ts). */
  readonly brokers = new Map<number, BrokerImage>();

  replay(record: MetadataRecord, offset: number): MetadataChange {
    this.lastOffset = offset;
    switch (record.type) {
      case 'topic':
        return this.replayTopic(record.data.name, record.data.topicId);
      case 'partition':
        return this.replayPartition(record.data);
      case 'partitionChange':
        return this.replayPartitionChange(record.data);
      case 'config':
        return this.replayConfig(record.data.resourceType, record.data.resourceName, record.data.name, record.data.value);
      case 'removeTopic':
        return this.replayRemoveTopic(record.data.topicId);
      case 'producerIds':
        if (record.data.nextProducerId <= this.nextProducerId) throw new Error(`metadata log invariant broken: producer ids went back to ${record.data.nextProducerId}`);
        this.nextProducerId = record.data.nextProducerId;
        return { kind: 'none' };
      case 'featureLevel':
        if (record.data.featureLevel === 0) this.finalizedFeatures.delete(record.data.name);
        else this.finalizedFeatures.set(record.data.name, record.data.featureLevel);
        return { kind: 'none' };
      case 'registerBroker':
        replayRegisterBroker(this.brokers, record.data, offset);
        return { kind: 'brokerChanged', brokerId: record.data.brokerId };
      case 'fenceBroker':
      case 'unfenceBroker':
        replayFencing(this.brokers, record.data.id, record.data.epoch, record.type === 'fenceBroker');
        return { kind: 'brokerChanged', brokerId: record.data.id };
      case 'brokerRegistrationChange':
        replayRegistrationChange(this.brokers, record.data);
        return { kind: 'brokerChanged', brokerId: record.data.brokerId };
      case 'noOp':
        return { kind: 'none' };
    }
  }

  topicConfig(name: string): ReadonlyMap<string, string> {
    return this.configs.get(ConfigResourceType.Topic)?.get(name) ?? NO_CONFIG;
  }

  resourceConfig(resourceType: number, resourceName: string): ReadonlyMap<string, string> {
    return this.configs.get(resourceType)?.get(resourceName) ?? NO_CONFIG;
  }

  /** Every explicitly set config value, by resource (what a snapshot of the image writes). */
  *configEntries(): Generator<{ resourceType: number; resourceName: string; name: string; value: string }> {
    for (const [resourceType, byName] of this.configs) {
      for (const [resourceName, entries] of byName) for (const [name, value] of entries) yield { resourceType, resourceName, name, value };
    }
  }

  /**
   * Becomes a copy of `other` in place (a snapshot loaded over this image: every reader holds this
   * object, so it is refilled rather than replaced). `other` must not be used afterwards.
   */
  replaceWith(other: MetadataImage): void {
    this.topicsByName.clear();
    this.topicsById.clear();
    for (const [k, v] of other.topicsByName) this.topicsByName.set(k, v);
    for (const [k, v] of other.topicsById) this.topicsById.set(k, v);
    this.configs.clear();
    for (const [k, v] of other.configs) this.configs.set(k, v);
    this.finalizedFeatures.clear();
    for (const [k, v] of other.finalizedFeatures) this.finalizedFeatures.set(k, v);
    this.brokers.clear();
    for (const [k, v] of other.brokers) this.brokers.set(k, v);
    this.lastOffset = other.lastOffset;
    this.nextProducerId = other.nextProducerId;
  }

  private replayTopic(name: string, topicId: string): MetadataChange {
    if (this.topicsByName.has(name) || this.topicsById.has(topicId)) {
      throw new Error(`metadata log invariant broken: topic ${name} (${topicId}) created twice`);
    }
    const topic: TopicImage = { name, topicId, partitions: new Map() };
    this.topicsByName.set(name, topic);
    this.topicsById.set(topicId, topic);
    return { kind: 'none' };
  }

  private replayPartition(p: { partitionId: number; topicId: string; replicas: number[]; addingReplicas: number[]; removingReplicas: number[]; isr: number[]; leader: number; leaderEpoch: number; partitionEpoch: number; leaderRecoveryState?: number }): MetadataChange {
    const topic = this.topicsById.get(p.topicId);
    if (topic === undefined) throw new Error(`metadata log invariant broken: partition ${p.partitionId} of unknown topic ${p.topicId}`);
    const partition: PartitionImage = {
      partitionId: p.partitionId,
      replicas: p.replicas,
      addingReplicas: p.addingReplicas,
      removingReplicas: p.removingReplicas,
      isr: p.isr,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      partitionEpoch: p.partitionEpoch,
      leaderRecoveryState: p.leaderRecoveryState ?? 0,
    };
    topic.partitions.set(p.partitionId, partition);
    return { kind: 'partitionAdded', topic, partition };
  }

  private replayPartitionChange(c: { partitionId: number; topicId: string; leader?: number; isr?: number[] | null; replicas?: number[] | null; addingReplicas?: number[] | null; removingReplicas?: number[] | null; leaderRecoveryState?: number }): MetadataChange {
    const topic = this.topicsById.get(c.topicId);
    const partition = topic?.partitions.get(c.partitionId);
    if (topic === undefined || partition === undefined) return { kind: 'none' };
    // Kafka (PartitionRegistration.merge): leader -2 means "no change", -1 "no leader"; any other
    // value bumps the leader epoch, even the same leader (how an ISR shrink can fence its followers).
    if (c.leader !== undefined && c.leader !== -2) {
      partition.leader = c.leader;
      partition.leaderEpoch++;
    }
    if (c.isr !== undefined && c.isr !== null) partition.isr = c.isr;
    if (c.replicas !== undefined && c.replicas !== null) partition.replicas = c.replicas;
    // null = unchanged (Kafka's PartitionRegistration.merge); an empty list ends the reassignment.
    if (c.addingReplicas !== undefined && c.addingReplicas !== null) partition.addingReplicas = c.addingReplicas;
    if (c.removingReplicas !== undefined && c.removingReplicas !== null) partition.removingReplicas = c.removingReplicas;
    // -1 means "no change".
    if (c.leaderRecoveryState !== undefined && c.leaderRecoveryState !== -1) partition.leaderRecoveryState = c.leaderRecoveryState;
    partition.partitionEpoch++;
    return { kind: 'partitionChanged', topic, partition };
  }

  private replayConfig(resourceType: number, resourceName: string, key: string, value: string | null): MetadataChange {
    let byName = this.configs.get(resourceType);
    if (byName === undefined) this.configs.set(resourceType, (byName = new Map()));
    let entries = byName.get(resourceName);
    if (entries === undefined) byName.set(resourceName, (entries = new Map()));
    if (value === null) entries.delete(key);
    else entries.set(key, value);
    return { kind: 'configChanged', resourceType, resourceName };
  }

  private replayRemoveTopic(topicId: string): MetadataChange {
    const topic = this.topicsById.get(topicId);
    if (topic === undefined) return { kind: 'none' };
    this.topicsById.delete(topicId);
    this.topicsByName.delete(topic.name);
    this.configs.get(ConfigResourceType.Topic)?.delete(topic.name);
    return { kind: 'topicRemoved', topic };
  }
}
