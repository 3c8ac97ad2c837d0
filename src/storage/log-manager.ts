/**
 * All partition logs of this broker across its log dirs (Kafka's LogManager): loading them at
 * startup with the right recovery mode, creating logs on the least-loaded dir, deleting them the
 * way Kafka does (rename to `<topic>-<partition>.<id>-delete`, then remove), and the per-dir
 * checkpoint files and clean-shutdown marker; and the background work Kafka's LogManager schedules:
 * the retention check every log.retention.check.interval.ms (deleteOldSegments on every log) and
 * the cleaner every log.cleaner.backoff.ms (compaction of logs whose cleanup.policy has compact).
 * Each background pass starts only after the previous one finished; both stop on close().
 * A replica moving to another log dir (AlterReplicaLogDirs) has a future log there
 * (log-dir-moves.ts: names, the swap's commit point, recovery; a future log found at startup is
 * loaded for its move to resume); the move's copying is the partition layer's
 * (partition/replica-log-dir-move.ts), its files are created and swapped here.
 *
 * Invariants:
 * - the clean-shutdown marker exists only while no log in that dir is open for writing: it is
 *   removed (durably) right after loading and written last on close();
 * - a `<topic>-<partition>` is open in at most one log dir, plus at most one future log in another;
 * - retention and the cleaner leave a log with a future log alone (Kafka pauses cleaning during a
 *   move), so the copy never races a segment swap; they resume after the move.
 * - `__cluster_metadata` belongs to the Raft layer and is never loaded here (as in Kafka).
 */
import * as path from 'node:path';
import type { Clock } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import { randomHexId } from '../io/random.js';
import { CoalescingTask } from '../util/coalescing-task.js';
import { type Logger, silentLogger } from '../util/logger.js';
import { systemClock, type Timer } from '../io/clock.js';
import { cleanLog } from './log-cleaner.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';
import {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  CLEAN_SHUTDOWN_FILE,
  DELETE_DIR_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  parsePartitionDirName,
  partitionDirName,
} from './file-names.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { type FoundFuture, futureDirPath, recoverInterruptedMoves, swapInFutureLog } from './log-dir-moves.js';

/** Kafka's KRaft metadata topic: its log is owned by the quorum, not by the LogManager. */
export const METADATA_TOPIC = '__cluster_metadata';
/** Kafka's num.recovery.threads.per.data.dir default is 1; loading a few at once is still cheap. */
const LOAD_CONCURRENCY_PER_DIR = 4;

export interface LogManagerOptions {
  /** Config for a log found on disk at startup (the topic's effective config). */
  configFor?: (topic: string) => LogConfig;
  clock?: Clock;
  logger?: Logger;
  /** Topics whose partition dirs are owned elsewhere (never loaded); __cluster_metadata always is. */
  skipTopics?: readonly string[];
  /** Unique suffix for delete-dir names; defaults to a random UUID in hex. */
  newUniqueId?: () => string;
}

export interface BackgroundOptions {
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** log.cleaner.enable */
  cleanerEnabled: boolean;
  /** log.cleaner.backoff.ms: pause between cleaner passes. */
  cleanerBackoffMs: number;
}

export interface LogDirDescription {
  readonly logDir: string;
  readonly logs: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly sizeBytes: number;
    readonly logEndOffset: number;
    /** A future log: the replica being moved into this dir (AlterReplicaLogDirs). */
    readonly isFuture: boolean;
  }[];
  readonly totalBytes: number;
  readonly usableBytes: number;
}

interface Entry {
  topic: string;
  partition: number;
  log: PartitionLog;
  logDir: string;
}

/** A replica's future log in another dir; `uniqueId` names its dir and the swap's `-delete` dir. */
interface FutureEntry extends Entry {
  uniqueId: string;
}

export class LogManager {
  private readonly logs = new Map<string, Entry>();
  private readonly creating = new Map<string, Promise<PartitionLog>>();
  /** Log dir chosen for each creation in flight, so concurrent creations spread too. */
  private readonly creatingIn = new Map<string, string>();
  private readonly logger: Logger;
  private readonly cleanDirs = new Set<string>();
  private closed = false;
  private readonly timers = new Set<Timer>();
  private readonly passes = new Set<Promise<void>>();
  /** The one writer of each log dir's checkpoint files. */
  private readonly dirCheckpoints = new Map<string, CoalescingTask>();
  /** Future logs by `<topic>-<partition>`: replicas being moved to another log dir. */
  private readonly futures = new Map<string, FutureEntry>();
  /** Log dir asked for (AlterReplicaLogDirs) by a replica not hosted yet: where its log is created. */
  private readonly preferredDirs = new Map<string, string>();
  /** Swaps in progress: DeleteRecords waits for the log it names to be the one in force. */
  private readonly swapping = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly fs: FileSystem,
    readonly logDirs: readonly string[],
    private readonly opts: LogManagerOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
  }

  static async open(fs: FileSystem, logDirs: readonly string[], opts: LogManagerOptions = {}): Promise<LogManager> {
    if (logDirs.length === 0) throw new Error('LogManager needs at least one log dir');
    const mgr = new LogManager(fs, logDirs, opts);
    const futures = await recoverInterruptedMoves(fs, logDirs, mgr.logger);
    for (const dir of logDirs) await mgr.loadDir(dir);
    for (const f of futures) await mgr.loadFutureLog(f);
    return mgr;
  }

  /** A move's future log found at startup, recovered as any log is; the move resumes when its replica is hosted. */
  private async loadFutureLog(f: FoundFuture): Promise<void> {
    const key = partitionDirName(f.topic, f.partition);
    if (!this.logs.has(key)) return;
    const log = await PartitionLog.open(this.fs, path.join(f.logDir, f.name), this.configFor(f.topic), {
      hadCleanShutdown: this.cleanDirs.has(f.logDir),
      ...(this.opts.clock === undefined ? {} : { clock: this.opts.clock }),
    });
    for (const note of log.recoveryNotes) this.logger.warn(`recovering ${f.name} in ${f.logDir}: ${note}`);
    log.onBackgroundError = (m) => this.logger.warn(`${key} (future log): ${m}`);
    this.futures.set(key, { topic: f.topic, partition: f.partition, log, logDir: f.logDir, uniqueId: f.uniqueId });
  }

  private async loadDir(logDir: string): Promise<void> {
    await this.fs.mkdirs(logDir);
    const marker = path.join(logDir, CLEAN_SHUTDOWN_FILE);
    const hadCleanShutdown = await this.fs.exists(marker);
    const recoveryPoints = await this.readCheckpointOrEmpty(path.join(logDir, RECOVERY_POINT_CHECKPOINT_FILE));
    const logStartOffsets = await this.readCheckpointOrEmpty(path.join(logDir, LOG_START_OFFSET_CHECKPOINT_FILE));
    const cleanerOffsets = await this.readCheckpointOrEmpty(path.join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE));
    const names = await this.partitionDirsToLoad(logDir);
    await forEachLimited(names, LOAD_CONCURRENCY_PER_DIR, async (name) => {
      const tp = parsePartitionDirName(name)!;
      const log = await PartitionLog.open(this.fs, path.join(logDir, name), this.configFor(tp.topic), {
        recoveryPoint: recoveryPoints.get(name) ?? 0,
        logStartOffset: logStartOffsets.get(name) ?? 0,
        hadCleanShutdown,
        ...(this.opts.clock === undefined ? {} : { clock: this.opts.clock }),
      });
      for (const note of log.recoveryNotes) this.logger.warn(`recovering ${name} in ${logDir}: ${note}`);
      const cleanTo = cleanerOffsets.get(name);
      if (cleanTo !== undefined && cleanTo <= log.logEndOffset) log.firstDirtyOffset = Math.max(cleanTo, log.logStartOffset);
      this.register(tp.topic, tp.partition, log, logDir);
    });
    // From here on a crash is an unclean shutdown of this dir.
    if (hadCleanShutdown) {
      this.cleanDirs.add(logDir);
      await this.fs.rm(marker);
      await this.fs.syncDir(logDir);
    }
    const how = hadCleanShutdown ? 'after a clean shutdown' : names.length === 0 ? 'none there yet' : 'after an unclean shutdown: recovered';
    this.logger.info(`loaded ${names.length} logs from ${logDir} (${how})`);
  }

  /** Partition dir names in `logDir`; removes leftover `-delete` dirs (deletions a crash interrupted). */
  private async partitionDirsToLoad(logDir: string): Promise<string[]> {
    const names: string[] = [];
    for (const e of await this.fs.readdir(logDir)) {
      if (!e.isDirectory) continue;
      if (e.name.endsWith(DELETE_DIR_SUFFIX)) {
        this.logger.info(`removing ${e.name} in ${logDir}, a deletion interrupted by a restart`);
        await this.fs.rm(path.join(logDir, e.name));
        continue;
      }
      const tp = parsePartitionDirName(e.name);
      if (tp === null || tp.topic === METADATA_TOPIC || this.opts.skipTopics?.includes(tp.topic) === true) continue;
      const key = partitionDirName(tp.topic, tp.partition);
      if (this.logs.has(key) || names.includes(key)) throw new Error(`partition ${key} exists in more than one log dir`);
      names.push(e.name);
    }
    return names;
  }

  /**
   * Whether `logDir` had a clean-shutdown marker at startup: a log kept outside the manager (the
   * metadata log) passes this to PartitionLog.open as hadCleanShutdown.
   */
  hadCleanShutdown(logDir: string): boolean {
    return this.cleanDirs.has(logDir);
  }

  private async readCheckpointOrEmpty(file: string): Promise<Map<string, number>> {
    try {
      return await readCheckpoint(this.fs, file);
    } catch (err) {
      // Kafka does the same: an unreadable checkpoint means "recover everything", not "refuse to start".
      this.logger.warn(`ignoring unreadable ${file} (${(err as Error).message}); logs in it are fully recovered`);
      return new Map();
    }
  }

  private configFor(topic: string): LogConfig {
    return this.opts.configFor?.(topic) ?? DEFAULT_LOG_CONFIG;
  }

  private register(topic: string, partition: number, log: PartitionLog, logDir: string): void {
    log.onBackgroundError = (m) => this.logger.warn(`${topic}-${partition}: ${m}`);
    this.logs.set(partitionDirName(topic, partition), { topic, partition, log, logDir });
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(partitionDirName(topic, partition))?.log;
  }

  /** The existing log, or a new one in the log dir holding the fewest partitions. */
  getOrCreateLog(topic: string, partition: number, config: LogConfig, topicId: string): Promise<PartitionLog> {
    const key = partitionDirName(topic, partition);
    const existing = this.logs.get(key)?.log ?? this.creating.get(key);
    if (existing !== undefined) return Promise.resolve(existing);
    if (this.closed) return Promise.reject(new Error('LogManager is closed'));
    if (topic === METADATA_TOPIC || topic.includes(' ')) return Promise.reject(new Error(`invalid topic name for a log: "${topic}"`));
    const logDir = this.preferredDirs.get(key) ?? this.leastLoadedDir();
    this.preferredDirs.delete(key);
    const created = PartitionLog.open(this.fs, path.join(logDir, key), config, {
      topicId,
      hadCleanShutdown: true,
      ...(this.opts.clock === undefined ? {} : { clock: this.opts.clock }),
    })
      .then((log) => {
        this.register(topic, partition, log, logDir);
        return log;
      })
      .finally(() => {
        this.creating.delete(key);
        this.creatingIn.delete(key);
      });
    this.creating.set(key, created);
    this.creatingIn.set(key, logDir);
    return created;
  }

  /**
   * Kafka's nextLogDirs: the dir holding the fewest logs, future logs and creations in flight
   * counted (ties: the first in log.dirs order).
   */
  private leastLoadedDir(): string {
    const counts = new Map<string, number>(this.logDirs.map((d) => [d, 0]));
    for (const e of [...this.logs.values(), ...this.futures.values()]) counts.set(e.logDir, (counts.get(e.logDir) ?? 0) + 1);
    for (const d of this.creatingIn.values()) counts.set(d, (counts.get(d) ?? 0) + 1);
    let best = this.logDirs[0]!;
    for (const d of this.logDirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  /** The configured log dir whose absolute path is `absolutePath` (as AlterReplicaLogDirs names it). */
  resolveLogDir(absolutePath: string): string | undefined {
    return this.logDirs.find((d) => path.resolve(d) === absolutePath);
  }

  /** The log dir holding the replica's log, if it has one here. */
  logDirOf(topic: string, partition: number): string | undefined {
    return this.logs.get(partitionDirName(topic, partition))?.logDir;
  }

  /** The replica's future log (a move in progress) and its dir. */
  futureLogOf(topic: string, partition: number): { log: PartitionLog; logDir: string } | undefined {
    return this.futures.get(partitionDirName(topic, partition));
  }

  /** Kafka's maybeUpdatePreferredLogDir: a replica not hosted yet will be created in `logDir`. */
  setPreferredLogDir(topic: string, partition: number, logDir: string): void {
    const key = partitionDirName(topic, partition);
    if (!this.logs.has(key) && !this.creating.has(key)) this.preferredDirs.set(key, logDir);
  }

  private isMoving(e: Entry): boolean {
    return this.futures.has(partitionDirName(e.topic, e.partition));
  }

  /**
   * Creates the replica's future log, `<topic>-<partition>.<id>-future` in `logDir`, empty: the
   * move's copy fills it. The replica must have a log here, in another dir, and no future log.
   */
  async createFutureLog(topic: string, partition: number, logDir: string): Promise<PartitionLog> {
    const key = partitionDirName(topic, partition);
    const entry = this.logs.get(key);
    if (entry === undefined) throw new Error(`no log for ${key}`);
    if (entry.logDir === logDir || this.futures.has(key)) throw new Error(`${key} is in ${entry.logDir} or already moving`);
    if (this.closed) throw new Error('LogManager is closed');
    const uniqueId = (this.opts.newUniqueId ?? randomHexId)();
    const log = await PartitionLog.open(this.fs, futureDirPath(logDir, topic, partition, uniqueId), entry.log.logConfig, {
      ...(entry.log.topicId === undefined ? {} : { topicId: entry.log.topicId }),
      hadCleanShutdown: true,
      ...(this.opts.clock === undefined ? {} : { clock: this.opts.clock }),
    });
    await this.fs.syncDir(logDir);
    log.onBackgroundError = (m) => this.logger.warn(`${key} (future log): ${m}`);
    this.futures.set(key, { topic, partition, log, logDir, uniqueId });
    // Retention and the cleaner skip the log from now on; one already under way finishes first, so
    // the copy never reads segments a compaction is replacing (Kafka's abortAndPauseCleaning).
    await entry.log.settled();
    return log;
  }

  /** Drops the replica's future log (a move cancelled, redirected, or failed): closed, its dir removed. */
  async abortFutureLog(topic: string, partition: number): Promise<void> {
    const key = partitionDirName(topic, partition);
    const future = this.futures.get(key);
    if (future === undefined) return;
    this.futures.delete(key);
    await future.log.delete().catch((err: unknown) => this.logger.warn(`removing the future log of ${key}: ${(err as Error).message}`));
  }

  /**
   * The swap (log-dir-moves.ts): the future log, which the caller has made hold exactly the
   * current log's offsets while nothing writes to it, replaces the current log. The future log is
   * closed (flushed), given the current log's leader-epoch checkpoint (epochs that start where no
   * batch is yet are not in the copied batches), renamed into place and reopened. Returns the new
   * log (already the one `getLog` answers) and `retireOld`, to call once nothing reads the old
   * log any more: it closes the old log and removes its `-delete` dir.
   */
  async commitFutureLog(topic: string, partition: number): Promise<{ log: PartitionLog; retireOld: () => Promise<void> }> {
    const key = partitionDirName(topic, partition);
    const entry = this.logs.get(key);
    const future = this.futures.get(key);
    if (entry === undefined || future === undefined) throw new Error(`${key} has no move in progress`);
    const done = this.swap(entry, future);
    this.swapping.set(key, done);
    try {
      return await done;
    } finally {
      this.swapping.delete(key);
    }
  }

  private async swap(entry: Entry, future: FutureEntry): Promise<{ log: PartitionLog; retireOld: () => Promise<void> }> {
    const key = partitionDirName(entry.topic, entry.partition);
    const old = entry.log;
    const { log, doomedDir } = await swapInFutureLog(this.fs, old, future.log, future.uniqueId, {
      ...(this.opts.clock === undefined ? {} : { clock: this.opts.clock }),
      // From the first rename on, the future dir is the replica's data: never aborted (removed).
      beforeRenames: () => this.futures.delete(key),
    });
    this.register(entry.topic, entry.partition, log, future.logDir);
    const retireOld = async (): Promise<void> => {
      await old.close().catch((err: unknown) => this.logger.warn(`closing the moved-away log of ${key}: ${(err as Error).message}`));
      await this.fs.rm(doomedDir);
      await this.checkpointDir(entry.logDir);
      await this.checkpointDir(future.logDir);
    };
    this.logger.info(`moved ${key} from ${entry.logDir} to ${future.logDir} at offset ${log.logEndOffset}`);
    return { log, retireOld };
  }

  /** Closes the log, renames its dir to `<topic>-<partition>.<id>-delete`, removes it. */
  async deleteLog(topic: string, partition: number): Promise<void> {
    const key = partitionDirName(topic, partition);
    await this.creating.get(key)?.catch(() => undefined);
    await this.swapping.get(key)?.catch(() => undefined);
    await this.abortFutureLog(topic, partition);
    const entry = this.logs.get(key);
    if (entry === undefined) return;
    this.logs.delete(key);
    await entry.log.close().catch((err: unknown) => {
      // The data is being deleted anyway; a failed log only needs its files closed, which close() did.
      this.logger.warn(`closing ${key} for deletion: ${(err as Error).message}`);
    });
    const newUniqueId = this.opts.newUniqueId ?? randomHexId;
    const doomed = path.join(entry.logDir, `${key}.${newUniqueId()}${DELETE_DIR_SUFFIX}`);
    // The rename is the commit point: after it, a restart removes the dir instead of loading it.
    await this.fs.rename(entry.log.dir, doomed);
    await this.fs.syncDir(entry.logDir);
    await this.fs.rm(doomed);
    await this.checkpointDir(entry.logDir);
  }

  /**
   * Every log dir (absolute) with the size of each partition log in it and its volume's space, as
   * DescribeLogDirs reports them.
   */
  async describeLogDirs(): Promise<LogDirDescription[]> {
    const all = [...[...this.logs.values()].map((e) => ({ e, isFuture: false })), ...[...this.futures.values()].map((e) => ({ e, isFuture: true }))];
    return Promise.all(this.logDirs.map(async (dir) => {
      const logs = all.filter(({ e }) => e.logDir === dir)
        .map(({ e, isFuture }) => ({ topic: e.topic, partition: e.partition, sizeBytes: e.log.sizeInBytes, logEndOffset: e.log.logEndOffset, isFuture }));
      const space = await this.fs.volumeSpace(dir);
      return { logDir: path.resolve(dir), logs, ...space };
    }));
  }

  *allLogs(): Iterable<{ topic: string; partition: number; log: PartitionLog }> {
    for (const e of this.logs.values()) yield { topic: e.topic, partition: e.partition, log: e.log };
  }

  /** Writes recovery-point-offset-checkpoint and log-start-offset-checkpoint in every log dir. */
  async checkpoint(): Promise<void> {
    for (const dir of this.logDirs) await this.checkpointDir(dir);
  }

  /**
   * Rewrites a log dir's checkpoint files. Many partitions ask at once (one DeleteRecords request
   * for every partition of a topic, as Kafka Streams sends): one writer per dir, each request
   * answered by a write that started after it, so the files' shared .tmp names never race.
   */
  private checkpointDir(logDir: string): Promise<void> {
    let task = this.dirCheckpoints.get(logDir);
    if (task === undefined) this.dirCheckpoints.set(logDir, (task = new CoalescingTask(() => this.writeDirCheckpoints(logDir))));
    return task.request();
  }

  private async writeDirCheckpoints(logDir: string): Promise<void> {
    const inDir = [...this.logs.values()].filter((e) => e.logDir === logDir);
    const rp = inDir.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.log.recoveryPoint }));
    const lso = inDir.map((e) => ({ topic: e.topic, partition: e.partition, offset: e.log.logStartOffset }));
    const cleaner = inDir.filter((e) => e.log.logConfig.cleanupCompact).map((e) => ({ topic: e.topic, partition: e.partition, offset: e.log.firstDirtyOffset }));
    await writeCheckpoint(this.fs, path.join(logDir, RECOVERY_POINT_CHECKPOINT_FILE), rp);
    await writeCheckpoint(this.fs, path.join(logDir, LOG_START_OFFSET_CHECKPOINT_FILE), lso);
    await writeCheckpoint(this.fs, path.join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE), cleaner);
  }

  /**
   * DeleteRecords on one log: the new log start offset, checkpointed before this resolves so the
   * acknowledged deletion survives a crash. Throws OffsetOutOfRangeError past the log end.
   */
  async deleteRecords(topic: string, partition: number, offset: number): Promise<number> {
    await this.swapping.get(partitionDirName(topic, partition))?.catch(() => undefined);
    const entry = this.logs.get(partitionDirName(topic, partition));
    if (entry === undefined) throw new Error(`no log for ${topic}-${partition}`);
    const lowWatermark = await entry.log.deleteRecordsBefore(offset);
    await this.checkpointDir(entry.logDir);
    return lowWatermark;
  }

  /** Starts the retention check and the cleaner (after startup replay, so topic configs are known). */
  startBackgroundTasks(opts: BackgroundOptions): void {
    this.every(opts.retentionCheckIntervalMs, () => this.retentionPass());
    if (opts.cleanerEnabled) this.every(opts.cleanerBackoffMs, () => this.cleanerPass());
  }

  private every(intervalMs: number, pass: () => Promise<void>): void {
    const clock = this.opts.clock ?? systemClock;
    const arm = (): void => {
      if (this.closed) return;
      const t = clock.setTimer(Math.max(1, Math.min(intervalMs, 0x7fffffff)), () => {
        this.timers.delete(t);
        if (this.closed) return;
        const p = pass()
          .catch((err: unknown) => this.logger.error(`background log task failed: ${err instanceof Error ? err.stack : String(err)}`))
          .finally(() => {
            this.passes.delete(p);
            arm();
          });
        this.passes.add(p);
      });
      this.timers.add(t);
    };
    arm();
  }

  /** One retention check over every log (Kafka's cleanupLogs for delete-policy logs). */
  async retentionPass(): Promise<void> {
    for (const e of [...this.logs.values()]) {
      if (this.closed) return;
      if (this.isMoving(e)) continue;
      try {
        const n = await e.log.deleteOldSegments();
        if (n > 0) this.logger.info(`deleted ${n} old segments of ${e.topic}-${e.partition}; log start offset now ${e.log.logStartOffset}`);
      } catch (err) {
        this.logger.warn(`retention on ${e.topic}-${e.partition}: ${(err as Error).message}`);
      }
    }
  }

  /** One cleaner pass over every compacted log. */
  async cleanerPass(): Promise<void> {
    const clock = this.opts.clock ?? systemClock;
    for (const e of [...this.logs.values()]) {
      if (this.closed) return;
      if (!e.log.logConfig.cleanupCompact || this.isMoving(e)) continue;
      try {
        const r = await cleanLog(this.fs, e.log, clock.nowMs());
        if (!r.cleaned) continue;
        const st = r.stats;
        this.logger.info(`cleaned ${e.topic}-${e.partition}: ${st.segmentsBefore} segments (${st.bytesBefore} bytes) into ${st.segmentsAfter} (${st.bytesAfter} bytes), ${st.recordsRemoved} records removed`);
        await this.checkpointDir(e.logDir);
      } catch (err) {
        this.logger.warn(`cleaning ${e.topic}-${e.partition}: ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
  }

  /** Closes (flushes) every log, writes the checkpoints, then the clean-shutdown marker per dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    await Promise.all([...this.passes]);
    await Promise.all([...this.creating.values()].map((p) => p.catch(() => undefined)));
    // A future log stays on disk, closed; at the next start its move resumes.
    await Promise.allSettled([...this.futures.values()].map((e) => e.log.close()));
    const results = await Promise.allSettled([...this.logs.values()].map((e) => e.log.close()));
    await this.checkpoint();
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      // No marker: the next start must recover, since some log did not close cleanly.
      throw new AggregateError(failed.map((f) => f.reason as unknown), `${failed.length} logs failed to close`);
    }
    for (const dir of this.logDirs) await this.fs.writeFileAtomic(path.join(dir, CLEAN_SHUTDOWN_FILE), Buffer.alloc(0));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
