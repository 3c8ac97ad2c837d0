/**
 * The partitions this node hosts, kept in step with the metadata image: a replayed partition whose
 * replicas include this node gets a local log; a removed topic's logs are deleted.
 */
import type { LogManager } from '../storage/log-manager.js';
import type { LogConfig } from '../storage/log-config.js';
import type { MetadataChange } from '../metadata/metadata-image.js';
import { Partition } from './partition.js';

export interface ReplicaManagerOptions {
  nodeId: number;
  fsyncOnAcksAll: boolean;
  /** The effective log settings of a topic (its overrides over the broker defaults). */
  logConfigFor(topic: string): LogConfig;
  /** The topic's effective max.message.bytes. */
  maxMessageBytesFor(topic: string): number;
}

export class ReplicaManager {
  private readonly byTopic = new Map<string, Map<number, Partition>>();

  constructor(
    private readonly logs: LogManager,
    private readonly opts: ReplicaManagerOptions,
  ) {}

  get(topic: string, partition: number): Partition | undefined {
    return this.byTopic.get(topic)?.get(partition);
  }

  partitionsOf(topic: string): ReadonlyMap<number, Partition> | undefined {
    return this.byTopic.get(topic);
  }

  async applyChange(change: MetadataChange): Promise<void> {
    if (change.kind === 'partitionAdded') {
      const { topic, partition } = change;
      if (!partition.replicas.includes(this.opts.nodeId)) return;
      const log = await this.logs.getOrCreateLog(topic.name, partition.partitionId, this.opts.logConfigFor(topic.name), topic.topicId);
      let parts = this.byTopic.get(topic.name);
      if (parts === undefined) this.byTopic.set(topic.name, (parts = new Map()));
      parts.set(partition.partitionId, new Partition(topic.name, partition.partitionId, topic.topicId, log, partition.leaderEpoch, this.opts.fsyncOnAcksAll, this.opts.maxMessageBytesFor(topic.name)));
    } else if (change.kind === 'topicRemoved') {
      const parts = this.byTopic.get(change.topic.name);
      this.byTopic.delete(change.topic.name);
      for (const id of parts?.keys() ?? []) await this.logs.deleteLog(change.topic.name, id);
    }
  }
}
