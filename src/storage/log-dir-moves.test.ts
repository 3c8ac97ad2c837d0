/**
 * JBOD in the LogManager: new logs go to the dir with the fewest logs (Kafka's nextLogDirs), a log
 * found at startup stays in its dir, a remembered dir is used at creation; and a future log's swap
 * survives a crash at every step: before the commit point the original log is the replica (the
 * future log is loaded again, for the move to resume), after it the moved log is (an interrupted
 * second rename is completed).
 * A crash here is every rename from a chosen one on never happening and the files closed without
 * any shutdown work, then a new LogManager over the same dirs.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from './log-config.js';
import { LogManager } from './log-manager.js';
import type { PartitionLog } from './partition-log.js';
import { makeBatch } from './test-batches.js';
import { CountingFileSystem, TempDirs } from './test-dirs.js';

const config: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 1000 };
const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

/** The real file system until `freezeRenamesMatching` matches: that rename and every later one never complete. */
class CrashingFileSystem extends CountingFileSystem {
  private frozen: ((from: string) => boolean) | null = null;
  isFrozen = false;
  freezeRenamesMatching(pred: (from: string) => boolean): void {
    this.frozen = pred;
  }
  override rename(a: string, b: string): Promise<void> {
    if (this.isFrozen || this.frozen?.(a) === true) {
      this.isFrozen = true;
      return new Promise<void>(() => undefined);
    }
    return super.rename(a, b);
  }
}

/** Every batch of the log (a read stops at a segment's end: one read per segment). */
async function allRecords(log: PartitionLog): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset;) {
    const r = await log.read(offset, 1 << 20, true);
    assert.ok(r.kind === 'ok' && r.records.length > 0);
    parts.push(Buffer.from(r.records));
    offset = lastOffsetIn(r.records) + 1;
  }
  return Buffer.concat(parts);
}

function lastOffsetIn(records: Buffer): number {
  let pos = 0;
  let last = -1;
  while (pos < records.length) {
    last = Number(records.readBigInt64BE(pos)) + records.readInt32BE(pos + 23);
    pos += 12 + records.readInt32BE(pos + 8);
  }
  return last;
}

/** Copies the log into its future log, as a move's copy does before the swap: `segments` reads (all by default). */
async function fillFuture(log: PartitionLog, future: PartitionLog, segments = Number.POSITIVE_INFINITY): Promise<void> {
  for (let n = 0; n < segments && future.logEndOffset < log.logEndOffset; n++) {
    const r = await log.read(future.logEndOffset, 1 << 20, true);
    assert.ok(r.kind === 'ok');
    await future.appendAsFollower(Buffer.from(r.records));
  }
}

describe('storage/LogManager log dirs (JBOD)', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('places new logs in the dir with the fewest logs; a log found at startup stays in its dir', async () => {
    const dirs = [await temp.make(), await temp.make(), await temp.make()];
    const mgr = await LogManager.open(fs, dirs);
    // Concurrent creations spread too (each counts as soon as its dir is chosen).
    const logs = await Promise.all([0, 1, 2, 3, 4, 5].map((p) => mgr.getOrCreateLog('t', p, config, TOPIC_ID)));
    const perDir = (m: LogManager): number[] => dirs.map((d) => [0, 1, 2, 3, 4, 5].filter((p) => m.logDirOf('t', p) === d).length);
    assert.deepEqual(perDir(mgr), [2, 2, 2]);
    assert.deepEqual(logs.map((l) => path.dirname(l.dir)), [0, 1, 2, 3, 4, 5].map((p) => mgr.logDirOf('t', p)));
    const where = [0, 1, 2, 3, 4, 5].map((p) => mgr.logDirOf('t', p));
    await mgr.deleteLog('t', 0);
    await mgr.close();

    const again = await LogManager.open(fs, dirs, { configFor: () => config });
    assert.deepEqual([1, 2, 3, 4, 5].map((p) => again.logDirOf('t', p)), where.slice(1), 'each log loaded from the dir it was in');
    // The dir that lost a log is the least loaded one now.
    const fresh = await again.getOrCreateLog('u', 0, config, TOPIC_ID);
    assert.equal(path.dirname(fresh.dir), where[0]);
    // A dir asked for before the replica exists (AlterReplicaLogDirs) wins over the count.
    again.setPreferredLogDir('u', 1, dirs[0]!);
    again.setPreferredLogDir('u', 2, dirs[0]!);
    assert.equal(path.dirname((await again.getOrCreateLog('u', 1, config, TOPIC_ID)).dir), dirs[0]);
    assert.equal(path.dirname((await again.getOrCreateLog('u', 2, config, TOPIC_ID)).dir), dirs[0]);
    assert.equal(again.resolveLogDir(path.resolve(dirs[1]!)), dirs[1]);
    assert.equal(again.resolveLogDir('/no/such/dir'), undefined);
    await again.close();
  });

  it('a committed swap: the log lives in the new dir with every record, its epochs; the old dir is gone', async () => {
    const [a, b] = [await temp.make(), await temp.make()];
    const mgr = await LogManager.open(fs, [a, b], { newUniqueId: () => 'ab'.repeat(16) });
    const log = await mgr.getOrCreateLog('t', 0, config, TOPIC_ID);
    for (let i = 0; i < 30; i++) await log.append(makeBatch({ records: 2, seed: i }), i < 15 ? 3 : 4);
    log.epochs.assign(5, log.logEndOffset); // an epoch with no batch yet (a new leader's)
    const future = await mgr.createFutureLog('t', 0, b);
    assert.equal(future.dir, path.join(b, `t-0.${'ab'.repeat(16)}-future`));
    const described = await mgr.describeLogDirs();
    assert.deepEqual(described.map((d) => d.logs.map((l) => [l.topic, l.partition, l.isFuture])), [[['t', 0, false]], [['t', 0, true]]]);
    await fillFuture(log, future);
    const before = Buffer.from(await allRecords(log));
    const { log: moved, retireOld } = await mgr.commitFutureLog('t', 0);
    await retireOld();
    assert.equal(moved.dir, path.join(b, 't-0'));
    assert.equal(mgr.getLog('t', 0), moved);
    assert.deepEqual(await allRecords(moved), before);
    assert.deepEqual(moved.epochs.list(), [{ epoch: 3, startOffset: 0 }, { epoch: 4, startOffset: 30 }, { epoch: 5, startOffset: 60 }]);
    assert.deepEqual((await fs.readdir(a)).filter((e) => e.isDirectory).map((e) => e.name), []);
    await moved.append(makeBatch({ records: 1 }), 5);
    await mgr.close();
    const again = await LogManager.open(fs, [a, b], { configFor: () => config });
    assert.equal(again.logDirOf('t', 0), b);
    assert.equal(again.getLog('t', 0)?.logEndOffset, 61);
    await again.close();
  });

  for (const step of ['mid-copy', 'before the commit point', 'after the commit point'] as const) {
    it(`a crash ${step} recovers one consistent log holding every record`, async () => {
      const [a, b] = [await temp.make(), await temp.make()];
      const crashing = new CrashingFileSystem(fs);
      const mgr = await LogManager.open(crashing, [a, b]);
      const log = await mgr.getOrCreateLog('t', 0, config, TOPIC_ID);
      for (let i = 0; i < 40; i++) await log.append(makeBatch({ records: 3, seed: i }), 7);
      await log.flush();
      const before = Buffer.from(await allRecords(log));
      const future = await mgr.createFutureLog('t', 0, b);
      if (step === 'mid-copy') {
        // Part of the log copied (unflushed), then the crash.
        await fillFuture(log, future, 2);
        assert.ok(future.logEndOffset > 0 && future.logEndOffset < log.logEndOffset);
      } else {
        await fillFuture(log, future);
        // The commit point is the source's rename (to -delete); the second is the future's (into place).
        crashing.freezeRenamesMatching((from) => (step === 'before the commit point' ? from === log.dir : from.endsWith('-future')));
        const swap = mgr.commitFutureLog('t', 0).catch(() => undefined);
        await waitUntil(() => Promise.resolve(crashing.isFrozen));
        void swap;
      }
      await crashing.crash();

      const again = await LogManager.open(fs, [a, b], { configFor: () => config });
      const committed = step === 'after the commit point';
      const expectedDir = committed ? b : a;
      assert.equal(again.logDirOf('t', 0), expectedDir);
      const recovered = again.getLog('t', 0)!;
      assert.equal(recovered.dir, path.join(expectedDir, 't-0'));
      assert.deepEqual(await allRecords(recovered), before);
      // Before the commit point the future log is back, a prefix of the log, for the move to resume.
      const resumable = again.futureLogOf('t', 0);
      assert.equal(resumable?.logDir, committed ? undefined : b);
      if (resumable !== undefined) {
        const copied = await allRecords(resumable.log);
        assert.ok(copied.length > 0 || step !== 'mid-copy');
        assert.deepEqual(copied, before.subarray(0, copied.length));
      }
      const dirsLeft = async (d: string): Promise<string[]> => (await fs.readdir(d)).filter((e) => e.isDirectory).map((e) => e.name.replace(/\.[0-9a-f]{32}-/, '.<id>-'));
      assert.deepEqual(await dirsLeft(a), committed ? [] : ['t-0'], 'no -delete dir left');
      assert.deepEqual(await dirsLeft(b), committed ? ['t-0'] : ['t-0.<id>-future']);
      await again.close();
    });
  }
});

async function waitUntil(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('condition not reached within 2.5 s');
}
