/**
 * AlterReplicaLogDirs through the ReplicaManager, on a node with two log dirs: a leader replica
 * moves while producers keep appending (every acknowledged batch is in the moved log, in order,
 * byte for byte; HW, epoch and role carry over; a restart finds it in the new dir); a follower's
 * log truncated during the copy is moved as it is after the truncation; a move cut by a crash
 * resumes at the next start, its future log first cut back to where it agrees with a log that was
 * truncated meanwhile; transactions (aborted ones, the LSO) carry over and survive a restart;
 * Kafka's errors and the dir remembered for a replica not hosted yet.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { FileSystem } from '../io/file-system.js';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { BASE_OFFSET_OFFSET, PARTITION_LEADER_EPOCH_OFFSET } from '../protocol/records/batch-header.js';
import { buildRecordBatch } from '../protocol/records/record-batch-builder.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../storage/log-config.js';
import { LogManager } from '../storage/log-manager.js';
import { makeBatch } from '../storage/test-batches.js';
import { CountingFileSystem, TempDirs } from '../storage/test-dirs.js';
import { ManualClock } from '../testing/manual-clock.js';
import type { Partition } from './partition.js';
import { ReplicaManager } from './replica-manager.js';

const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';
const config: LogConfig = { ...DEFAULT_LOG_CONFIG, segmentBytes: 4000 };

interface Node {
  rm: ReplicaManager;
  logs: LogManager;
  apply: (r: MetadataRecord) => Promise<unknown>;
}

async function startNode(dirs: string[], opts: { leader: number; throttle?: (bytes: number) => Promise<void>; fs?: FileSystem }): Promise<Node> {
  const files = opts.fs ?? fs;
  const logs = await LogManager.open(files, dirs, { configFor: () => config });
  const rm = new ReplicaManager(files, logs, {
    nodeId: 1,
    fsyncOnAcksAll: true,
    logConfigFor: () => config,
    maxMessageBytesFor: () => 1 << 20,
    replication: { localId: 1, clock: new ManualClock(), replicaLagTimeMaxMs: 30000, alterIsr: (r) => Promise.resolve(r.isr) },
    moveChunkBytes: 1500,
    ...(opts.throttle === undefined ? {} : { moveThrottle: opts.throttle }),
  });
  const image = new MetadataImage();
  let offset = 0;
  const apply = (r: MetadataRecord): Promise<unknown> => rm.applyChange(image.replay(r, offset++));
  await apply({ type: 'topic', version: 0, data: { name: 't', topicId: TOPIC_ID } });
  const replicas = opts.leader === 1 ? [1] : [2, 1];
  await apply({ type: 'partition', version: 0, data: { partitionId: 0, topicId: TOPIC_ID, replicas, isr: replicas, removingReplicas: [], addingReplicas: [], leader: opts.leader, leaderRecoveryState: 0, leaderEpoch: 3, partitionEpoch: 0 } });
  return { rm, logs, apply };
}

/** Every batch from the log start to the LEO, read through the partition (as a replica's fetch). */
async function readAll(p: Partition): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = p.logStartOffset; offset < p.logEndOffset;) {
    const r = await p.read(offset, 1 << 20, true, 'logEnd');
    assert.ok(r.kind === 'ok' && r.records.length > 0, `read at ${offset}`);
    parts.push(Buffer.from(r.records));
    let pos = 0;
    while (pos < r.records.length) {
      offset = Number(r.records.readBigInt64BE(pos)) + r.records.readInt32BE(pos + 23) + 1;
      pos += 12 + r.records.readInt32BE(pos + 8);
    }
  }
  return Buffer.concat(parts);
}

/** A leader's batch as a follower receives it: its offsets and epoch set. */
function leaderBatch(baseOffset: number, epoch: number, seed: number): Buffer {
  const b = makeBatch({ records: 2, seed, payloadBytes: 40 });
  b.writeBigInt64BE(BigInt(baseOffset), BASE_OFFSET_OFFSET);
  b.writeInt32BE(epoch, PARTITION_LEADER_EPOCH_OFFSET);
  return b;
}

describe('partition/ReplicaLogDirMove (AlterReplicaLogDirs)', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('moves a leader while producers append: every acknowledged batch is in the new dir, HW and role carry over', async () => {
    const dirs = [await temp.make(), await temp.make()];
    // Between the first copy steps, appends land for certain (besides the concurrent producer below).
    let steps = 0;
    const throttle = async (): Promise<void> => {
      if (++steps <= 3) await produce(5, 2000 + steps * 10);
    };
    const n = await startNode(dirs, { leader: 1, throttle });
    const p = n.rm.get('t', 0)!;
    const from = n.logs.logDirOf('t', 0)!;
    const to = dirs.find((d) => d !== from)!;
    const appended: Buffer[] = [];
    const produce = async (count: number, seed: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const b = makeBatch({ records: 3, seed: seed + i, payloadBytes: 60 });
        const out = await p.appendFromClient(b, -1, null, 0);
        assert.equal(out.kind, 'appended');
        appended.push(b); // patched in place with its offsets and epoch: the bytes the log holds
      }
    };
    await produce(150, 0);
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, path.resolve(to)), ErrorCode.NONE);
    const move = n.rm.moveOf('t', 0)!;
    // The future log shows in DescribeLogDirs while it copies, with what is left to copy as its lag.
    const during = await n.rm.describeLogDirs();
    const future = during.find((d) => d.logDir === path.resolve(to))?.logs.find((l) => l.isFuture);
    assert.ok(future !== undefined && future.offsetLag > 0, 'the future log and its lag');
    // Producers keep going through the copy and the swap.
    const producing = produce(150, 1000);
    assert.equal(await move.done, true);
    await producing;
    await produce(10, 5000);

    assert.equal(path.dirname(p.dir), to);
    assert.equal(p.isLeader, true);
    assert.equal(p.leaderEpoch, 3);
    assert.ok(steps > 3, 'the copy took several steps');
    assert.equal(p.logEndOffset, 325 * 3);
    assert.equal(p.highWatermark, p.logEndOffset);
    assert.deepEqual(await readAll(p), Buffer.concat(appended));
    assert.deepEqual(p.endOffsetForEpoch(3), { epoch: 3, endOffset: 975 });
    const after = await n.rm.describeLogDirs();
    assert.deepEqual(after.map((d) => [d.logDir, d.logs.map((l) => `${l.topic}-${l.partition}${l.isFuture ? ' future' : ''} lag ${l.offsetLag}`)]),
      dirs.map((d) => [path.resolve(d), d === to ? ['t-0 lag 0'] : []]));
    assert.equal(await fs.exists(path.join(from, 't-0')), false);
    await n.rm.saveProducerSnapshots();
    await n.rm.checkpointHighWatermarks();
    await n.logs.close();

    const again = await startNode(dirs, { leader: 1 });
    const reloaded = again.rm.get('t', 0)!;
    assert.equal(path.dirname(reloaded.dir), to);
    assert.deepEqual(await readAll(reloaded), Buffer.concat(appended));
    await again.logs.close();
  });

  it('moves a follower whose log is truncated during the copy: the moved log is the truncated one plus what followed', async () => {
    const dirs = [await temp.make(), await temp.make()];
    let p!: Partition;
    let truncated = false;
    // After the first chunk copied, the follower learns of a divergence (a new leader) and truncates.
    const throttle = async (): Promise<void> => {
      if (truncated) return;
      truncated = true;
      await p.truncateTo(40);
      for (let i = 0; i < 30; i++) await p.appendAsFollower(leaderBatch(40 + i * 2, 5, 900 + i));
    };
    const n = await startNode(dirs, { leader: 2, throttle });
    p = n.rm.get('t', 0)!;
    assert.equal(p.isLeader, false);
    for (let i = 0; i < 60; i++) await p.appendAsFollower(leaderBatch(i * 2, 3, i));
    const to = dirs.find((d) => d !== n.logs.logDirOf('t', 0))!;
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, path.resolve(to)), ErrorCode.NONE);
    assert.equal(await n.rm.moveOf('t', 0)!.done, true);
    assert.equal(truncated, true);
    assert.equal(path.dirname(p.dir), to);
    assert.equal(p.isLeader, false);
    assert.equal(p.logEndOffset, 100);
    const expected = Buffer.concat([...Array.from({ length: 20 }, (_, i) => leaderBatch(i * 2, 3, i)), ...Array.from({ length: 30 }, (_, i) => leaderBatch(40 + i * 2, 5, 900 + i))]);
    assert.deepEqual(await readAll(p), expected);
    assert.deepEqual(p.endOffsetForEpoch(3), { epoch: 3, endOffset: 40 });
    await n.logs.close();
  });

  it('a move cut by a crash resumes at the next start; a future log the log was truncated under is cut back first', async () => {
    const dirs = [await temp.make(), await temp.make()];
    const crashing = new CountingFileSystem(fs);
    let p!: Partition;
    let steps = 0;
    // After three chunks copied (84 offsets), the follower truncates to 40 and appends a new
    // leader's batches; the copy never goes on (the node crashes first).
    const throttle = async (): Promise<void> => {
      if (++steps < 3) return;
      await p.truncateTo(40);
      for (let i = 0; i < 30; i++) await p.appendAsFollower(leaderBatch(40 + i * 2, 5, 900 + i));
      await new Promise<void>(() => undefined);
    };
    const n = await startNode(dirs, { leader: 2, throttle, fs: crashing });
    p = n.rm.get('t', 0)!;
    for (let i = 0; i < 60; i++) await p.appendAsFollower(leaderBatch(i * 2, 3, i));
    const from = n.logs.logDirOf('t', 0)!;
    const to = dirs.find((d) => d !== from)!;
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, path.resolve(to)), ErrorCode.NONE);
    await waitUntil(() => p.logEndOffset === 100);
    assert.ok(n.logs.futureLogOf('t', 0)!.log.logEndOffset > 40, 'the future log holds offsets the log no longer has');
    await crashing.crash();

    const again = await startNode(dirs, { leader: 2 });
    const move = again.rm.moveOf('t', 0);
    assert.equal(move?.logDir, to, 'the move resumed');
    assert.equal(await move.done, true);
    const moved = again.rm.get('t', 0)!;
    assert.equal(path.dirname(moved.dir), to);
    const expected = Buffer.concat([...Array.from({ length: 20 }, (_, i) => leaderBatch(i * 2, 3, i)), ...Array.from({ length: 30 }, (_, i) => leaderBatch(40 + i * 2, 5, 900 + i))]);
    assert.deepEqual(await readAll(moved), expected);
    assert.deepEqual(moved.endOffsetForEpoch(3), { epoch: 3, endOffset: 40 });
    await again.logs.close();
  });

  it('transactions survive a move and a restart: the aborted one is still reported, the open one still holds the LSO', async () => {
    const dirs = [await temp.make(), await temp.make()];
    const n = await startNode(dirs, { leader: 1 });
    const p = n.rm.get('t', 0)!;
    const txnBatch = (producerId: bigint, count: number): Promise<Buffer> =>
      buildRecordBatch({ baseOffset: 0, records: Array.from({ length: count }, (_, i) => ({ value: `v${i}`, timestamp: 1_700_000_000_000 })), producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    const append = async (producerId: bigint, count: number): Promise<void> => {
      const out = await p.appendFromClient(await txnBatch(producerId, count), -1, { producerId, epoch: 0, firstSeq: 0, lastSeq: count - 1, isTransactional: true }, 0);
      assert.equal(out.kind, 'appended');
    };
    await append(7n, 3); // offsets 0-2, aborted at 3
    assert.equal((await p.appendTxnMarker(7n, 0, false, 0, 1_700_000_000_000)).errorCode, ErrorCode.NONE);
    for (let i = 0; i < 20; i++) assert.equal((await p.appendFromClient(makeBatch({ records: 2, seed: i }), -1, null, 0)).kind, 'appended');
    await append(9n, 2); // offsets 44-45, left open
    const aborted = p.abortedTransactions(0, p.logEndOffset);
    assert.deepEqual(aborted, [{ producerId: 7n, firstOffset: 0, lastOffset: 3 }]);
    assert.equal(p.lastStableOffset, 44);

    const to = dirs.find((d) => d !== n.logs.logDirOf('t', 0))!;
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, path.resolve(to)), ErrorCode.NONE);
    assert.equal(await n.rm.moveOf('t', 0)!.done, true);
    assert.deepEqual(p.abortedTransactions(0, p.logEndOffset), aborted);
    assert.equal(p.lastStableOffset, 44);
    // A crash right after the move (no clean shutdown): the state comes from the moved dir alone.
    await n.rm.checkpointHighWatermarks();

    const again = await startNode(dirs, { leader: 1 });
    const reloaded = again.rm.get('t', 0)!;
    assert.equal(path.dirname(reloaded.dir), to);
    // Loaded from the moved dir's .txnindex, which also carries each entry's last stable offset.
    assert.deepEqual(reloaded.abortedTransactions(0, reloaded.logEndOffset).map(({ producerId, firstOffset, lastOffset }) => ({ producerId, firstOffset, lastOffset })), aborted);
    assert.equal(reloaded.lastStableOffset, 44);
    await again.logs.close();
    await n.logs.close();
  });

  it("Kafka's errors; a replica not hosted yet is created in the dir asked for; a move to its own dir is a no-op", async () => {
    const dirs = [await temp.make(), await temp.make()];
    // The copy holds after its first chunk until released, so the redirect below finds it running.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const n = await startNode(dirs, { leader: 1, throttle: () => held });
    const here = n.logs.logDirOf('t', 0)!;
    const other = dirs.find((d) => d !== here)!;
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, '/not/a/log/dir'), ErrorCode.LOG_DIR_NOT_FOUND);
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, path.resolve(here)), ErrorCode.NONE);
    assert.equal(n.rm.moveOf('t', 0), undefined);
    // Partition 1 does not exist yet: remembered, then created there (the least loaded dir would be `other`).
    assert.equal(await n.rm.alterReplicaLogDir('t', 1, path.resolve(here)), ErrorCode.REPLICA_NOT_AVAILABLE);
    await n.apply({ type: 'partition', version: 0, data: { partitionId: 1, topicId: TOPIC_ID, replicas: [1], isr: [1], removingReplicas: [], addingReplicas: [], leader: 1, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 } });
    assert.equal(n.logs.logDirOf('t', 1), here);
    // A move redirected before it finishes: the first future log is dropped.
    await n.rm.get('t', 0)!.appendFromClient(makeBatch({ records: 1 }), 1, null, 0);
    assert.equal(await n.rm.alterReplicaLogDir('t', 0, path.resolve(other)), ErrorCode.NONE);
    const first = n.rm.moveOf('t', 0)!;
    assert.equal(n.logs.futureLogOf('t', 0)?.logDir, other);
    const redirect = n.rm.alterReplicaLogDir('t', 0, path.resolve(here));
    release();
    assert.equal(await redirect, ErrorCode.NONE);
    assert.equal(await first.done, false, 'the first move was cancelled, not completed');
    assert.equal(n.logs.futureLogOf('t', 0), undefined);
    assert.equal(n.logs.logDirOf('t', 0), here);
    assert.deepEqual((await fs.readdir(other)).filter((e) => e.isDirectory).map((e) => e.name), []);
    await n.logs.close();
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached within 2.5 s');
}
