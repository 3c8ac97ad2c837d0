/**
 * The partitions this node hosts, kept in step with the metadata image: a replayed partition whose
 * replicas include this node gets a local log (created, or a reassignment adding this node); a
 * replica reassigned away stops being hosted and its log is deleted; a removed topic's logs are deleted; a replayed config
 * change (topic override, or a dynamic broker default topics inherit) is applied to the affected
 * logs at once (new LogConfig, max.message.bytes, min.insync.replicas). AlterReplicaLogDirs moves
 * a hosted replica to another log dir (replica-log-dir-move.ts) or remembers the dir for one not
 * hosted yet.
 */
import type { LogManager } from '../storage/log-manager.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { LogConfig } from '../storage/log-config.js';
import { OffsetOutOfRangeError } from '../storage/errors.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { MetadataChange, PartitionImage, TopicImage } from '../metadata/metadata-image.js';
import type { ReplicationSettings } from './leader-role.js';
import type { FileSystem } from '../io/file-system.js';
import { Partition } from './partition.js';
import { loadProducerState } from './producer-state-loader.js';
import { isUnexpectedStorageError, storageErrorCode } from './storage-error-codes.js';
import { readHighWatermarks, writeHighWatermarks } from './high-watermark-checkpoint.js';
import * as path from 'node:path';
import { ReplicaLogDirMove } from './replica-log-dir-move.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { FUTURE_DIR_SUFFIX } from '../storage/file-names.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import { strayReason } from './stray-replicas.js';

/** A log dir as DescribeLogDirs reports it: each log (current or future) with its size and offset lag. */
export interface LogDirDescription {
  readonly logDir: string;
  readonly logs: readonly { readonly topic: string; readonly partition: number; readonly sizeBytes: number; readonly offsetLag: number; readonly isFuture: boolean }[];
  readonly totalBytes: number;
  readonly usableBytes: number;
}

/** Kafka's INVALID_OFFSET_LAG: the lag of a log whose replica is not hosted (DescribeLogDirs). */
const INVALID_OFFSET_LAG = -1;
/** A dir name's length limit (Kafka refuses a move whose future dir name exceeds it: KAFKA-4893). */
const MAX_DIR_NAME_LENGTH = 255;

export interface ReplicaManagerOptions {
  nodeId: number;
  fsyncOnAcksAll: boolean;
  /** The effective log settings of a topic (its overrides over the broker defaults). */
  logConfigFor(topic: string): LogConfig;
  /** The topic's effective max.message.bytes. */
  maxMessageBytesFor(topic: string): number;
  /** The topic's effective min.insync.replicas (acks=all; 1 when not given). */
  minInsyncReplicasFor?(topic: string): number;
  /** Told when a config change could not be applied to a log (it keeps its previous settings). */
  onConfigError?(message: string): void;
  /** This broker's replication settings (its id, the ISR proposal path); every hosted partition gets them. */
  replication?: ReplicationSettings;
  logger?: Logger;
  /** replica.alter.log.dirs.io.max.bytes.per.second's hook: awaited with each chunk a log-dir move copies. */
  moveThrottle?: (bytes: number) => Promise<void>;
  /** Bytes a log-dir move copies per step (default: replica-log-dir-move.ts's 1 MiB). */
  moveChunkBytes?: number;
}

/**
 * What a replayed change did to a hosted replica's role, for the parts of the node that follow
 * leadership: the replica fetchers (follow the new leader, or stop), the coordinators (host or
 * resign their internal-topic partitions).
 */
export type RoleChange =
  | { readonly kind: 'leader'; readonly partition: Partition; readonly leaderEpoch: number; readonly isNewEpoch: boolean }
  | { readonly kind: 'follower'; readonly partition: Partition; readonly leaderId: number; readonly isNewLeader: boolean }
  /** No longer a replica here (reassigned away): stop fetching into it, then `deleteLog`. */
  | { readonly kind: 'removed'; readonly partition: Partition; readonly deleteLog: () => Promise<void> };

const TOPIC_RESOURCE = 2;

export class ReplicaManager {
  private readonly byTopic = new Map<string, Map<number, Partition>>();
  /** Each log dir's replication-offset-checkpoint as read at startup (read once, on first use). */
  private readonly checkpointedHws = new Map<string, Promise<Map<string, number>>>();
  private hwWrites: Promise<void> = Promise.resolve();
  /** Log-dir moves in progress, by `<topic>-<partition>`. */
  private readonly moves = new Map<string, ReplicaLogDirMove>();
  /** Replicas reassigned away whose logs are deleted once their fetchers stop (never strays). */
  private readonly removing = new Set<string>();

  constructor(
    private readonly fs: FileSystem,
    private readonly logs: LogManager,
    private readonly opts: ReplicaManagerOptions,
  ) {}

  /** Writes every partition's producer-state snapshot (before a clean shutdown closes the logs). */
  async saveProducerSnapshots(): Promise<void> {
    for (const parts of this.byTopic.values()) {
      for (const p of parts.values()) await p.saveProducerSnapshot(this.fs);
    }
  }

  /** Writes every log dir's replication-offset-checkpoint (periodically, and before shutdown). */
  checkpointHighWatermarks(): Promise<void> {
    // One write at a time: the periodic one and the shutdown one never race on the same file.
    const run = this.hwWrites.then(() => writeHighWatermarks(this.fs, [...this.byTopic.values()].flatMap((parts) => [...parts.values()])));
    this.hwWrites = run.catch(() => undefined);
    return run;
  }

  private checkpointedHw(logDir: string): Promise<Map<string, number>> {
    let hws = this.checkpointedHws.get(logDir);
    if (hws === undefined) this.checkpointedHws.set(logDir, (hws = readHighWatermarks(this.fs, logDir)));
    return hws;
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

  /**
   * Each log dir with its logs' sizes and its volume's space (DescribeLogDirs); offset lag as
   * Kafka's getLogEndOffsetLag: a log's max(HW - LEO, 0), a future log's distance to the log's LEO.
   */
  async describeLogDirs(): Promise<LogDirDescription[]> {
    const dirs = await this.logs.describeLogDirs();
    return dirs.map((d) => ({
      ...d,
      logs: d.logs.map((l) => {
        const p = this.get(l.topic, l.partition);
        const offsetLag = p === undefined ? INVALID_OFFSET_LAG : l.isFuture ? Math.max(p.logEndOffset - l.logEndOffset, 0) : Math.max(p.highWatermark - l.logEndOffset, 0);
        return { topic: l.topic, partition: l.partition, sizeBytes: l.sizeBytes, offsetLag, isFuture: l.isFuture };
      }),
    }));
  }

  /**
   * AlterReplicaLogDirs for one replica (Kafka's ReplicaManager.alterReplicaLogDirs): `logDir` is
   * the absolute path of one of this broker's log dirs. A replica not hosted yet has the dir
   * remembered for its creation and hears REPLICA_NOT_AVAILABLE; a hosted one starts moving there
   * (a move elsewhere in progress is cancelled first), or stays when it is already there.
   * LOG_DIR_NOT_FOUND for a dir not in log.dirs; KAFKA_STORAGE_ERROR when the future log cannot be created.
   */
  async alterReplicaLogDir(topic: string, partition: number, logDirPath: string): Promise<number> {
    if (`${topic}-${partition}.${'0'.repeat(32)}${FUTURE_DIR_SUFFIX}`.length > MAX_DIR_NAME_LENGTH) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    const logDir = this.logs.resolveLogDir(logDirPath);
    if (logDir === undefined) return ErrorCode.LOG_DIR_NOT_FOUND;
    this.logs.setPreferredLogDir(topic, partition, logDir);
    const p = this.get(topic, partition);
    if (p === undefined) return ErrorCode.REPLICA_NOT_AVAILABLE;
    const key = `${topic}-${partition}`;
    const moving = this.moves.get(key);
    if (moving !== undefined && moving.logDir === logDir) return ErrorCode.NONE;
    await this.cancelMove(topic, partition);
    if (this.logs.logDirOf(topic, partition) === logDir) return ErrorCode.NONE;
    try {
      this.startMove(p, await this.logs.createFutureLog(topic, partition, logDir), logDir, false);
      return ErrorCode.NONE;
    } catch (e) {
      (this.opts.logger ?? silentLogger).warn(`AlterReplicaLogDirs ${key} to ${logDir}: ${e instanceof Error ? e.message : String(e)}`);
      return ErrorCode.KAFKA_STORAGE_ERROR;
    }
  }

  /** Runs a move of `p` into `future` (in `logDir`); `resumed`: a future log found at startup. */
  private startMove(p: Partition, future: PartitionLog, logDir: string, resumed: boolean): void {
    const key = `${p.topic}-${p.partitionId}`;
    const move = new ReplicaLogDirMove(this.fs, this.logs, p, future, logDir, {
      logger: this.opts.logger ?? silentLogger,
      resumed,
      ...(this.opts.moveThrottle === undefined ? {} : { throttle: this.opts.moveThrottle }),
      ...(this.opts.moveChunkBytes === undefined ? {} : { chunkBytes: this.opts.moveChunkBytes }),
    });
    this.moves.set(key, move);
    void move.done.then(() => {
      if (this.moves.get(key) === move) this.moves.delete(key);
    });
  }

  /** The replica's log-dir move in progress: its target dir, and `done` (true once swapped). */
  moveOf(topic: string, partition: number): { readonly logDir: string; readonly done: Promise<boolean> } | undefined {
    return this.moves.get(`${topic}-${partition}`);
  }

  /** Stops a move in progress and drops its future log. */
  private async cancelMove(topic: string, partition: number): Promise<void> {
    const key = `${topic}-${partition}`;
    const move = this.moves.get(key);
    if (move === undefined) return;
    this.moves.delete(key);
    await move.cancel();
    await this.logs.abortFutureLog(topic, partition);
  }

  /** Cancels every move in progress (before the logs close at shutdown). */
  async cancelMoves(): Promise<void> {
    for (const key of [...this.moves.keys()]) {
      const move = this.moves.get(key)!;
      this.moves.delete(key);
      await move.cancel();
    }
  }

  /**
   * DeleteRecords on a hosted partition: moves its log start offset up to `requested` (-1: the
   * high watermark) and checkpoints it. Kafka's answers: NOT_LEADER_OR_FOLLOWER on a follower
   * (followers follow the leader's log start as they fetch), OFFSET_OUT_OF_RANGE above the HW or below
   * -1, KAFKA_STORAGE_ERROR (logged through `onStorageError`) when the log fails.
   */
  async deleteRecords(p: Partition, requested: number, onStorageError: (e: unknown) => void): Promise<{ errorCode: number; lowWatermark: number }> {
    if (!p.isLeader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, lowWatermark: -1 };
    const offset = requested === -1 ? p.highWatermark : requested;
    if (offset < 0 || offset > p.highWatermark) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1 };
    try {
      return { errorCode: ErrorCode.NONE, lowWatermark: await this.logs.deleteRecords(p.topic, p.partitionId, offset) };
    } catch (e) {
      if (e instanceof OffsetOutOfRangeError) return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1 };
      if (isUnexpectedStorageError(e)) onStorageError(e);
      return { errorCode: storageErrorCode(e), lowWatermark: -1 };
    }
  }

  private applyLogConfig(topic: string, p: Partition, config: LogConfig): void {
    try {
      p.updateLogConfig(config);
    } catch (e) {
      this.opts.onConfigError?.(`config of ${topic} not applied to ${p.dir}: ${(e as Error).message}`);
    }
  }

  /**
   * Kafka's makeLeader / makeFollower for one replica as the image now has it: leader → a new
   * leader epoch (or only a new ISR in the same epoch); any other replica follows the leader
   * (leader -1: it waits, fetching from no one).
   */
  private async applyRole(p: Partition, image: PartitionImage, hostedNow = false): Promise<RoleChange> {
    if (image.leader === this.opts.nodeId) {
      const isNewEpoch = hostedNow || !p.isLeader || p.leaderEpoch !== image.leaderEpoch;
      await p.becomeLeader({ leaderEpoch: image.leaderEpoch, replicas: image.replicas, isr: image.isr });
      return { kind: 'leader', partition: p, leaderEpoch: image.leaderEpoch, isNewEpoch };
    }
    const isNewLeader = p.becomeFollower({ leaderEpoch: image.leaderEpoch, leaderId: image.leader }) || hostedNow;
    return { kind: 'follower', partition: p, leaderId: image.leader, isNewLeader };
  }

  /** A replica new to this node (a created partition, or a reassignment adding this node): its log and its role. */
  private async host(topic: TopicImage, partition: PartitionImage): Promise<RoleChange> {
    const config = this.opts.logConfigFor(topic.name);
    const log = await this.logs.getOrCreateLog(topic.name, partition.partitionId, config, topic.topicId);
    let parts = this.byTopic.get(topic.name);
    if (parts === undefined) this.byTopic.set(topic.name, (parts = new Map()));
    const producers = await loadProducerState(this.fs, log);
    const hosted = new Partition(topic.name, partition.partitionId, topic.topicId, log, partition.leaderEpoch, this.opts.fsyncOnAcksAll, this.opts.maxMessageBytesFor(topic.name), producers, this.fs);
    hosted.minInsyncReplicas = this.opts.minInsyncReplicasFor?.(topic.name) ?? 1;
    hosted.restoreHighWatermark((await this.checkpointedHw(path.dirname(log.dir))).get(`${topic.name}-${partition.partitionId}`) ?? 0);
    // A log loaded at startup was opened before its topic's configs were replayed.
    if (log.logConfig !== config) this.applyLogConfig(topic.name, hosted, config);
    if (this.opts.replication !== undefined) hosted.configureReplication(this.opts.replication);
    // Its role is set before any request can find it: a follower never appends as a leader.
    const role = await this.applyRole(hosted, partition, true);
    parts.set(partition.partitionId, hosted);
    // A move interrupted by a restart goes on from its future log (as Kafka's does).
    const future = this.logs.futureLogOf(topic.name, partition.partitionId);
    if (future !== undefined) this.startMove(hosted, future.log, future.logDir, true);
    return role;
  }

  /** A replica no longer assigned here: out of the hosted map now; its log deleted by `deleteLog` once nothing fetches into it. */
  private unhost(topic: string, p: Partition): RoleChange {
    const parts = this.byTopic.get(topic);
    parts?.delete(p.partitionId);
    if (parts?.size === 0) this.byTopic.delete(topic);
    p.becomeFollower({ leaderEpoch: p.leaderEpoch, leaderId: -1 });
    const key = `${topic}-${p.partitionId}`;
    this.removing.add(key);
    const deleteLog = async (): Promise<void> => {
      try {
        await this.cancelMove(topic, p.partitionId);
        await this.logs.deleteLog(topic, p.partitionId);
      } finally {
        this.removing.delete(key);
      }
    };
    return { kind: 'removed', partition: p, deleteLog };
  }

  /**
   * Deletes the stray replicas (stray-replicas.ts): logs on disk that no hosted replica owns and
   * the caught-up image does not place here. Returns what was deleted and why.
   */
  async deleteStrayLogs(image: MetadataImage): Promise<string[]> {
    const deleted: string[] = [];
    for (const { topic, partition, log } of [...this.logs.allLogs()]) {
      if (this.get(topic, partition) !== undefined || this.removing.has(`${topic}-${partition}`)) continue;
      const why = strayReason({ topic, partition, topicId: log.topicId }, image, this.opts.nodeId);
      if (why === null) continue;
      await this.logs.deleteLog(topic, partition);
      deleted.push(`${topic}-${partition} (${why})`);
    }
    return deleted;
  }

  /**
   * Brings the hosted replicas in step with one replayed change; returns the role a hosted
   * partition took (created, or its leader, epoch or ISR changed), else null.
   */
  async applyChange(change: MetadataChange): Promise<RoleChange | null> {
    if (change.kind === 'partitionChanged' || change.kind === 'partitionAdded') {
      const { topic, partition } = change;
      const hosted = this.get(topic.name, partition.partitionId);
      const isReplica = partition.replicas.includes(this.opts.nodeId);
      if (hosted !== undefined && isReplica) return this.applyRole(hosted, partition);
      if (hosted === undefined && isReplica) return this.host(topic, partition);
      // A reassignment moved the replica off this node: it stops being served, its log goes once it stops fetching.
      if (hosted !== undefined) return this.unhost(topic.name, hosted);
      return null;
    }
    if (change.kind === 'configChanged') {
      // Topic resource: that topic's logs; broker resource: every log (topics inherit log.* keys).
      const topics = change.resourceType === TOPIC_RESOURCE ? [change.resourceName] : [...this.byTopic.keys()];
      for (const name of topics) {
        const parts = this.byTopic.get(name);
        if (parts === undefined) continue;
        const config = this.opts.logConfigFor(name);
        const maxMessageBytes = this.opts.maxMessageBytesFor(name);
        const minInsyncReplicas = this.opts.minInsyncReplicasFor?.(name) ?? 1;
        for (const p of parts.values()) {
          this.applyLogConfig(name, p, config);
          p.maxMessageBytes = maxMessageBytes;
          p.minInsyncReplicas = minInsyncReplicas;
        }
      }
    } else if (change.kind === 'topicRemoved') {
      const parts = this.byTopic.get(change.topic.name);
      this.byTopic.delete(change.topic.name);
      for (const id of parts?.keys() ?? []) {
        await this.cancelMove(change.topic.name, id);
        await this.logs.deleteLog(change.topic.name, id);
      }
    }
    return null;
  }
}
