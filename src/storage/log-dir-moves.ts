/**
 * A replica's move from one log dir to another on disk (Kafka's future log, AlterReplicaLogDirs):
 * the names, the swap's commit protocol, and the startup step that finishes or abandons a move a
 * crash interrupted.
 *
 * While a move copies, the replica has two dirs: its log `<dir A>/<topic>-<p>` and the future log
 * `<dir B>/<topic>-<p>.<id>-future`. The swap, once the future log holds every offset of the log
 * and is closed (flushed), is two renames:
 *   1. `<dir A>/<topic>-<p>` → `<dir A>/<topic>-<p>.<id>-delete` (same `<id>` as the future): the
 *      commit point;
 *   2. `<dir B>/<topic>-<p>.<id>-future` → `<dir B>/<topic>-<p>`.
 * Each rename is made durable (dir fsync) before the next step. So at startup:
 * - a future dir whose partition has a live dir anywhere: the swap had not committed, the live
 *   log is the replica; the future log is loaded and the move resumes (as Kafka's does) once the
 *   replica is hosted: its copy first cuts the future log back to where it agrees with the log
 *   (replica-log-dir-move.ts), since a crash may have kept bytes the log has since truncated;
 * - a future dir with no live dir but a `-delete` dir of the same `<id>`: step 1 happened, step 2
 *   did not; the future log is complete, so step 2 is done now;
 * - any other future dir (its source deleted meanwhile) is removed.
 * Only then are `-delete` dirs removed (LogManager's load), so the data always exists somewhere.
 */
import * as path from 'node:path';
import type { Clock } from '../io/clock.js';
import type { FileSystem } from '../io/file-system.js';
import type { Logger } from '../util/logger.js';
import {
  DELETE_DIR_SUFFIX,
  FUTURE_DIR_SUFFIX,
  parsePartitionDirName,
  parseSuffixedDirName,
  partitionDirName,
  suffixedDirName,
} from './file-names.js';
import { LEADER_EPOCH_CHECKPOINT } from './leader-epoch-cache.js';
import { PartitionLog } from './partition-log.js';

/** A future dir found at startup. */
export interface FoundFuture {
  logDir: string;
  name: string;
  topic: string;
  partition: number;
  uniqueId: string;
}

/**
 * Finishes the swaps a crash interrupted and drops the future dirs with no replica (see the
 * header); before the dirs are loaded. Returns the future dirs of moves to resume.
 */
export async function recoverInterruptedMoves(fs: FileSystem, logDirs: readonly string[], logger: Logger): Promise<FoundFuture[]> {
  const live = new Set<string>();
  const deleting = new Set<string>();
  const futures: FoundFuture[] = [];
  for (const logDir of logDirs) {
    if (!(await fs.exists(logDir))) continue;
    for (const e of await fs.readdir(logDir)) {
      if (!e.isDirectory) continue;
      const future = parseSuffixedDirName(e.name, FUTURE_DIR_SUFFIX);
      const doomed = parseSuffixedDirName(e.name, DELETE_DIR_SUFFIX);
      const tp = parsePartitionDirName(e.name);
      if (future !== null) futures.push({ logDir, name: e.name, ...future });
      else if (doomed !== null) deleting.add(`${partitionDirName(doomed.topic, doomed.partition)}.${doomed.uniqueId}`);
      else if (tp !== null) live.add(partitionDirName(tp.topic, tp.partition));
    }
  }
  const resume: FoundFuture[] = [];
  for (const f of futures) {
    const key = partitionDirName(f.topic, f.partition);
    const from = path.join(f.logDir, f.name);
    if (!live.has(key) && deleting.has(`${key}.${f.uniqueId}`)) {
      logger.warn(`completing the move of ${key} into ${f.logDir}: a restart interrupted its swap after the commit point`);
      await fs.rename(from, path.join(f.logDir, key));
      await fs.syncDir(f.logDir);
      live.add(key);
      continue;
    }
    if (live.has(key) && !resume.some((r) => r.topic === f.topic && r.partition === f.partition)) {
      logger.info(`${f.name} in ${f.logDir}: the move of ${key} resumes once the replica is hosted`);
      resume.push(f);
      continue;
    }
    logger.warn(`removing ${f.name} in ${f.logDir}: a move of ${key} whose replica is gone`);
    await fs.rm(from);
    await fs.syncDir(f.logDir);
  }
  return resume;
}

export function futureDirPath(logDir: string, topic: string, partition: number, uniqueId: string): string {
  return path.join(logDir, suffixedDirName(topic, partition, uniqueId, FUTURE_DIR_SUFFIX));
}

/**
 * The swap's two renames (see the header), each durable before the next. `sourceDir` is the
 * replica's current `<topic>-<p>` dir (its log may still be open: reads in flight keep their file
 * handles); the future log at `futureDir` must be closed.
 */
export async function commitFutureDir(
  fs: FileSystem,
  sourceDir: string,
  futureDir: string,
  uniqueId: string,
): Promise<{ liveDir: string; doomedDir: string }> {
  const key = path.basename(sourceDir);
  const doomedDir = path.join(path.dirname(sourceDir), `${key}.${uniqueId}${DELETE_DIR_SUFFIX}`);
  const liveDir = path.join(path.dirname(futureDir), key);
  await fs.rename(sourceDir, doomedDir);
  await fs.syncDir(path.dirname(sourceDir));
  await fs.rename(futureDir, liveDir);
  await fs.syncDir(path.dirname(futureDir));
  return { liveDir, doomedDir };
}

/**
 * The swap of a replica's log `old` for its future log (the caller has made it hold the same
 * offsets, with nothing writing to `old`): `future` is closed (flushed) and given `old`'s
 * leader-epoch checkpoint (an epoch that starts where no batch is yet is not in the copied
 * batches), the two renames are made, and the moved log is opened in place. `beforeRenames` runs
 * just before the first rename. Returns the new log and the `-delete` dir `old` now lives in
 * (still open: reads under way finish on it).
 */
export async function swapInFutureLog(
  fs: FileSystem,
  old: PartitionLog,
  future: PartitionLog,
  uniqueId: string,
  opts: { clock?: Clock; beforeRenames: () => void },
): Promise<{ log: PartitionLog; doomedDir: string }> {
  // A DeleteRecords that began before the swap finishes first; later ones wait for the new log.
  await old.settled();
  if (future.logStartOffset < old.logStartOffset) await future.deleteRecordsBefore(old.logStartOffset);
  if (future.logEndOffset !== old.logEndOffset) throw new Error(`future log ${future.dir} ends at ${future.logEndOffset}, ${old.dir} at ${old.logEndOffset}`);
  await old.epochs.persist();
  await future.close();
  const epochFile = path.join(old.dir, LEADER_EPOCH_CHECKPOINT);
  if (await fs.exists(epochFile)) await fs.writeFileAtomic(path.join(future.dir, LEADER_EPOCH_CHECKPOINT), await fs.readFile(epochFile));
  opts.beforeRenames();
  const { liveDir, doomedDir } = await commitFutureDir(fs, old.dir, future.dir, uniqueId);
  const log = await PartitionLog.open(fs, liveDir, old.logConfig, {
    recoveryPoint: future.logEndOffset,
    logStartOffset: future.logStartOffset,
    hadCleanShutdown: true,
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
  });
  log.firstDirtyOffset = Math.max(log.logStartOffset, Math.min(old.firstDirtyOffset, log.logEndOffset));
  // Opening drops an epoch starting at the log end (a leader's, before its first batch): keep it.
  const atEnd = old.epochs.list().filter((e) => e.startOffset >= log.logEndOffset);
  if (atEnd.map((e) => log.epochs.assign(e.epoch, e.startOffset)).includes(true)) await log.epochs.persist();
  return { log, doomedDir };
}
