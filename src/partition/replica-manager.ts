/**
 * The partitions this node hosts, kept in step with the metadata image: a replayed partition whose
 * replicas include this node gets a local log; a removed topic's logs are deleted; a replayed config
 * change (topic override, or a dynamic broker default topics inherit) is applied to the affected
 * logs at once (new LogConfig, max.message.bytes).
 */
import type { LogDirDescription, LogManager } from '../storage/log-manager.js';

export type { LogDirDescription };
import type { LogConfig } from '../storage/log-config.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { MetadataChange } from '../metadata/metadata-image.js';
import type { FileSystem } from '../io/file-system.js';
import { Partition } from './partition.js';
import { loadProducerState, saveProducerState } from './producer-state-loader.js';

export interface ReplicaManagerOptions {
  nodeId: number;
  fsyncOnAcksAll: boolean;
  /** The effective log settings of a topic (its overrides over the broker defaults). */
  logConfigFor(topic: string): LogConfig;
  /** The topic's effective max.message.bytes. */
  maxMessageBytesFor(topic: string): number;
  /** Told when a config change could not be applied to a log (it keeps its previous settings). */
  onConfigError?(message: string): void;
}

const TOPIC_RESOURCE = 2;

export class ReplicaManager {
  private readonly byTopic = new Map<string, Map<number, Partition>>();

  constructor(
    private readonly fs: FileSystem,
    private readonly logs: LogManager,
    private readonly opts: ReplicaManagerOptions,
  ) {}

  /** Writes every partition's producer-state snapshot (before a clean shutdown closes the logs). */
  async saveProducerSnapshots(): Promise<void> {
    for (const parts of this.byTopic.values()) {
      for (const p of parts.values()) await saveProducerState(this.fs, p.log, p.producers);
    }
  }

  /** Forgets idle idempotent producers on every partition (producer.id.expiration.ms); returns how many. */
  expireProducers(nowMs: number, expirationMs: number): number {
    let n = 0;
    for (const parts of this.byTopic.values()) for (const p of parts.values()) n += p.producers.expire(nowMs, expirationMs);
    return n;
  }

  get(topic: string, partition: number): Partition | undefined {
    return this.byTopic.get(topic)?.get(partition);
  }

  partitionsOf(topic: string): ReadonlyMap<number, Partition> | undefined {
    return this.byTopic.get(topic);
  }

  /** Each log dir with its partitions' sizes and its volume's space (DescribeLogDirs). */
  describeLogDirs(): Promise<LogDirDescription[]> {
    return this.logs.describeLogDirs();
  }

  /** DeleteRecords: the new log start offset (checkpointed). */
  deleteRecords(topic: string, partition: number, offset: number): Promise<number> {
    return this.logs.deleteRecords(topic, partition, offset);
  }

  private applyLogConfig(topic: string, log: PartitionLog, config: LogConfig): void {
    try {
      log.updateConfig(config);
    } catch (e) {
      this.opts.onConfigError?.(`config of ${topic} not applied to ${log.dir}: ${(e as Error).message}`);
    }
  }

  async applyChange(change: MetadataChange): Promise<void> {
    if (change.kind === 'partitionAdded') {
      const { topic, partition } = change;
      if (!partition.replicas.includes(this.opts.nodeId)) return;
      const config = this.opts.logConfigFor(topic.name);
      const log = await this.logs.getOrCreateLog(topic.name, partition.partitionId, config, topic.topicId);
      // A log loaded at startup was opened before its topic's configs were replayed.
      if (log.logConfig !== config) this.applyLogConfig(topic.name, log, config);
      let parts = this.byTopic.get(topic.name);
      if (parts === undefined) this.byTopic.set(topic.name, (parts = new Map()));
      const producers = await loadProducerState(this.fs, log);
      parts.set(partition.partitionId, new Partition(topic.name, partition.partitionId, topic.topicId, log, partition.leaderEpoch, this.opts.fsyncOnAcksAll, this.opts.maxMessageBytesFor(topic.name), producers, this.fs));
    } else if (change.kind === 'configChanged') {
      // Topic resource: that topic's logs; broker resource: every log (topics inherit log.* keys).
      const topics = change.resourceType === TOPIC_RESOURCE ? [change.resourceName] : [...this.byTopic.keys()];
      for (const name of topics) {
        const parts = this.byTopic.get(name);
        if (parts === undefined) continue;
        const config = this.opts.logConfigFor(name);
        const maxMessageBytes = this.opts.maxMessageBytesFor(name);
        for (const p of parts.values()) {
          this.applyLogConfig(name, p.log, config);
          p.maxMessageBytes = maxMessageBytes;
        }
      }
    } else if (change.kind === 'topicRemoved') {
      const parts = this.byTopic.get(change.topic.name);
      this.byTopic.delete(change.topic.name);
      for (const id of parts?.keys() ?? []) await this.logs.deleteLog(change.topic.name, id);
    }
  }
}
