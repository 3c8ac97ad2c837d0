import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { makeBatch } from '../storage/test-batches.js';
import { TempDirs } from '../storage/test-dirs.js';
import { Partition, type AppendOutcome } from './partition.js';
import { delayFetch } from './delayed-fetch.js';
import { ManualClock, settle } from '../testing/manual-clock.js';

describe('partition/Partition', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function open(): Promise<Partition> {
    const log = await PartitionLog.open(fs, path.join(await temp.make(), 't-0'), DEFAULT_LOG_CONFIG);
    return new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', log, 0, false, 1_000_000);
  }

  it('a prechecked append keeps its place: appends asked for later get later offsets, a refused one takes none', async () => {
    const p = await open();
    let letCheckFinish!: () => void;
    const slowCheck = new Promise<void>((r) => (letCheckFinish = r));
    const order: string[] = [];
    const first = p.appendFromClient(makeBatch({ records: 2 }), 1, null, 0, async () => {
      await slowCheck;
      order.push('first checked');
      return null;
    });
    const refused = p.appendFromClient(makeBatch({ records: 5 }), 1, null, 0, async () => ({ kind: 'rejected', errorCode: 87, message: 'no key' }));
    const plain = p.appendFromClient(makeBatch({ records: 3 }), 1, null, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(p.logEndOffset, 0, 'nothing is appended while the first batch is being checked');
    letCheckFinish();
    const outcomes: AppendOutcome[] = await Promise.all([first, refused, plain]);
    assert.deepEqual(order, ['first checked']);
    assert.deepEqual(outcomes.map((o) => (o.kind === 'appended' ? [o.baseOffset, o.lastOffset] : o.kind)), [[0, 1], 'rejected', [2, 4]]);
    // With no check waiting, appends take the direct path again.
    const after = await p.appendFromClient(makeBatch({ records: 1 }), 1, null, 0);
    assert.equal(after.kind === 'appended' ? after.baseOffset : -1, 5);
    await p.close();
  });

  it('reads whole batches up to the high watermark; at the HW nothing yet, past the LEO out of range', async () => {
    const p = await open();
    await p.appendFromClient(makeBatch({ records: 2, seed: 1 }), 1, null, 0);
    await p.appendFromClient(makeBatch({ records: 3, seed: 2 }), 1, null, 0);
    assert.equal(p.highWatermark, 5);
    const all = await p.read(0, 1 << 20, true, 'highWatermark');
    assert.equal(all.kind, 'ok');
    if (all.kind === 'ok') {
      assert.equal(all.records.length, 2 * makeBatch({ records: 1 }).length);
      assert.deepEqual([all.highWatermark, all.lastStableOffset, all.logStartOffset, all.abortedTransactions], [5, 5, 0, null]);
    }
    const atHw = await p.read(5, 1 << 20, true, 'highWatermark');
    assert.equal(atHw.kind === 'ok' ? atHw.records.length : -1, 0);
    assert.equal((await p.read(6, 1 << 20, true, 'highWatermark')).kind, 'outOfRange');
    const committed = await p.read(2, 1 << 20, true, 'txnCommitted');
    assert.deepEqual(committed.kind === 'ok' ? committed.abortedTransactions : 'x', []);
    await p.close();
  });

  it('a parked fetch is woken by the high watermark moving, not by its timer', async () => {
    const p = await open();
    const clock = new ManualClock();
    let reads = 0;
    const parked = delayFetch({
      partitions: [p, p],
      maxWaitMs: 500,
      clock,
      readAll: async () => {
        reads++;
        const r = await p.read(0, 1 << 20, true, 'highWatermark');
        return r.kind === 'ok' ? r.records.length : -1;
      },
      satisfied: (bytes) => bytes > 0,
      fallback: 0,
    });
    let answered: number | null = null;
    void parked.then((n) => (answered = n));
    await settle();
    assert.equal(answered, null, 'nothing to read: still parked');
    await p.appendFromClient(makeBatch({ records: 1 }), 1, null, 0);
    // The clock never moves: only the HW move can complete it (else mocha's timeout fails the test).
    assert.ok((await parked) > 0, 'the append moved the HW and woke the fetch');
    assert.equal(reads, 1, 'one HW move, one re-read (the partition listed twice is watched once)');
    await clock.advance(1000);
    assert.equal(reads, 1, 'the timer was cancelled when the fetch completed');
    await p.close();
  });

  it('a parked fetch nothing satisfies answers when its wait runs out', async () => {
    const p = await open();
    const clock = new ManualClock();
    let answered: number | null = null;
    void delayFetch({ partitions: [p], maxWaitMs: 500, clock, readAll: async () => 7, satisfied: () => false, fallback: 0 }).then((n) => (answered = n));
    await clock.advance(499);
    assert.equal(answered, null);
    await clock.advance(1);
    assert.equal(answered, 7);
    await p.close();
  });

  it("a replica loaded at a newer epoch records it only when it becomes that epoch's leader, never as a follower (found by the replication simulator)", async () => {
    const dir = path.join(await temp.make(), 't-0');
    const first = new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', await PartitionLog.open(fs, dir, DEFAULT_LOG_CONFIG), 0, false, 1_000_000);
    for (let i = 0; i < 3; i++) await first.appendFromClient(makeBatch({ seed: i }), 1, null, 0);
    await first.close();
    // Restarted while the metadata says epoch 5 (another broker leads it): the tail of epoch 0 is
    // uncommitted; claiming epoch 5 for it would hide its divergence from the new leader.
    const follower = new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', await PartitionLog.open(fs, dir, DEFAULT_LOG_CONFIG), 5, false, 1_000_000);
    follower.becomeFollower({ leaderEpoch: 5, leaderId: 2 });
    assert.equal(follower.latestLogEpoch, 0);
    assert.deepEqual(follower.endOffsetForEpoch(0), { epoch: 0, endOffset: 3 });
    await follower.close();
    // Loaded as epoch 5's leader: the epoch starts at its LEO (Kafka's makeLeader).
    const leader = new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', await PartitionLog.open(fs, dir, DEFAULT_LOG_CONFIG), 5, false, 1_000_000);
    await leader.becomeLeader({ leaderEpoch: 5, replicas: [0], isr: [0] });
    assert.equal(leader.latestLogEpoch, 5);
    assert.deepEqual(leader.endOffsetForEpoch(0), { epoch: 0, endOffset: 3 });
    await leader.close();
  });
});
