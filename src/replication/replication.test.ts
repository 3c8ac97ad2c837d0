import assert from 'node:assert/strict';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { AppendOutcome } from '../partition/partition.js';
import { makeBatch, writeCrc } from '../storage/test-batches.js';
import { settle } from '../testing/manual-clock.js';
import { ReplicaCluster } from '../testing/replica-cluster.js';
import { ReplicaFetcherManager } from './fetcher-manager.js';
import { ReplicaFetcher } from './replica-fetcher.js';

/** Appends one batch of `records` on the leader; the promise settles as Produce would answer. */
function produce(c: ReplicaCluster, acks: number, seed: number, records = 1, timeoutMs = 60_000): Promise<AppendOutcome> {
  return c.leaderReplica.appendFromClient(makeBatch({ records, seed }), acks, null, 0, undefined, timeoutMs);
}

/** Tracks when a promise settles, so a test can check it has not yet. */
function track<T>(p: Promise<T>): { settled: () => boolean; value: () => T | undefined } {
  let done = false;
  let v: T | undefined;
  void p.then((x) => {
    done = true;
    v = x;
  });
  return { settled: () => done, value: () => v };
}

/** Lets real I/O (fsyncs) and promise chains run until `cond` holds (polled, at most ~5 s). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2500 && !cond(); i++) {
    await settle();
    if (!cond()) await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(cond(), 'condition never held');
  await settle();
}

/** An acks=all produce with `followers` fetching until it is answered. */
async function produceAll(c: ReplicaCluster, seed: number, followers: readonly number[]): Promise<AppendOutcome> {
  const leo = c.leaderReplica.logEndOffset;
  const p = track(produce(c, -1, seed));
  await until(() => p.settled() || c.leaderReplica.logEndOffset > leo);
  for (let i = 0; i < 10 && !p.settled(); i++) {
    for (const f of followers) await c.fetch(f);
    await settle();
  }
  assert.ok(p.settled(), 'acks=all produce not answered');
  return p.value()!;
}

const errorOf = (o: AppendOutcome | undefined): number => (o === undefined ? -999 : o.kind === 'rejected' ? o.errorCode : ErrorCode.NONE);

describe('replication: three replicas of one partition in one process', function () {
  this.timeout(20000);
  let c: ReplicaCluster;
  afterEach(async () => c?.close());

  it('acks=all completes only once every ISR follower has the data; followers take the HW from the leader', async () => {
    c = await ReplicaCluster.start({ minInsyncReplicas: 2 });
    const acked = track(produce(c, -1, 1, 3));
    await until(() => c.leaderReplica.leadership?.waitingAcks === 1);
    assert.equal(acked.settled(), false, 'no follower has fetched');
    await c.fetch(2); // 2 appends offsets 0..2
    await c.fetch(2); // the leader learns 2's LEO
    await settle();
    assert.equal(c.replica(2).logEndOffset, 3);
    assert.equal(acked.settled(), false, '3 is in the ISR and has nothing yet');
    assert.equal(c.leaderReplica.highWatermark, 0);
    await c.fetch(3);
    await c.fetch(3);
    await settle();
    assert.equal(errorOf(acked.value()), ErrorCode.NONE);
    assert.equal(c.leaderReplica.highWatermark, 3);
    await c.catchUp();
    for (const id of [2, 3]) {
      assert.equal(c.replica(id).highWatermark, 3, `follower ${id} learns the HW on its next fetch`);
      assert.deepEqual(await c.batches(id), await c.batches(1));
    }
    // Reads by consumers on the leader were bounded by the HW all along: acks=1 data above it is not visible.
    await produce(c, 1, 2);
    const read = await c.leaderReplica.read(3, 1 << 20, true, 'highWatermark');
    assert.equal(read.kind === 'ok' ? read.records.length : -1, 0);
  });

  it('a stalled follower leaves the ISR after replica.lag.time.max.ms; acks=all then gets NOT_ENOUGH_REPLICAS(_AFTER_APPEND); it rejoins once caught up', async () => {
    c = await ReplicaCluster.start({ minInsyncReplicas: 2 });
    await produce(c, 1, 1);
    await c.catchUp();
    // 3 stalls; 2 keeps fetching.
    for (let i = 0; i < 5; i++) {
      await produce(c, 1, 10 + i);
      await c.fetch(2);
      await c.fetch(2);
      await c.clock.advance(10_000);
    }
    assert.deepEqual(c.isr, [1, 2], '3 has not caught up for over 30 s (Kafka: more than replica.lag.time.max.ms)');
    assert.deepEqual(c.leaderReplica.isr, [1, 2]);
    assert.equal(errorOf(await produceAll(c, 20, [2])), ErrorCode.NONE, 'an ISR of two still satisfies min.insync.replicas=2');

    // Now 2 stalls too, with an acks=all produce waiting on it: the shrink answers it.
    const before = c.leaderReplica.logEndOffset;
    const waiting = track(produce(c, -1, 21));
    await until(() => c.leaderReplica.logEndOffset === before + 1 && c.leaderReplica.leadership?.waitingAcks === 1);
    for (let i = 0; i < 3; i++) await c.clock.advance(16_000);
    await settle();
    assert.deepEqual(c.isr, [1]);
    assert.equal(errorOf(waiting.value()), ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    assert.equal(errorOf(await produce(c, -1, 22)), ErrorCode.NOT_ENOUGH_REPLICAS, 'refused before the append');
    const leo = c.leaderReplica.logEndOffset;
    assert.equal(errorOf(await produce(c, 1, 23)), ErrorCode.NONE, 'acks=1 does not need the ISR');
    assert.equal(c.leaderReplica.logEndOffset, leo + 1);

    // Both catch up and rejoin (one proposal at a time).
    await c.catchUp();
    assert.deepEqual(c.isr, [1, 2, 3]);
    assert.equal(errorOf(await produceAll(c, 24, [2, 3])), ErrorCode.NONE);
  });

  it('an acks=all produce times out with REQUEST_TIMED_OUT while a follower lags, and hears NOT_LEADER_OR_FOLLOWER when leadership moves', async () => {
    c = await ReplicaCluster.start();
    const timedOut = track(produce(c, -1, 1, 1, 5000));
    await until(() => c.leaderReplica.leadership?.waitingAcks === 1);
    await c.clock.advance(4999);
    assert.equal(timedOut.settled(), false);
    await c.clock.advance(2);
    assert.equal(errorOf(timedOut.value()), ErrorCode.REQUEST_TIMED_OUT);
    const moved = track(produce(c, -1, 2));
    await c.catchUp([2]);
    await c.failOver(2);
    await settle();
    assert.equal(errorOf(moved.value()), ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.equal(errorOf(await c.replica(1).appendFromClient(makeBatch({ seed: 3 }), 1, null, 0)), ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('KIP-101: an old leader with data nobody else has truncates to the new leader epoch end offset and converges', async () => {
    c = await ReplicaCluster.start();
    await produce(c, 1, 1, 2);
    await c.catchUp();
    const committed = c.leaderReplica.highWatermark;
    assert.equal(committed, 2);
    // Written by leader 1 but never fetched: not committed.
    await produce(c, 1, 2, 3);
    await produce(c, 1, 3, 1);
    assert.equal(c.replica(1).logEndOffset, 6);
    await c.failOver(2);
    assert.deepEqual(c.replica(2).endOffsetForEpoch(0), { epoch: 0, endOffset: 2 });
    await produce(c, 1, 4, 2);
    const out = await c.fetch(1);
    assert.equal(out.get('replicated-0'), 'truncated');
    assert.equal(c.replica(1).logEndOffset, 2, 'truncated to the end of epoch 0 on the new leader');
    assert.ok(c.replica(1).highWatermark <= 2 && c.replica(1).highWatermark >= committed - 0);
    await c.catchUp();
    for (const id of [1, 3]) assert.deepEqual(await c.batches(id), await c.batches(2));
    assert.deepEqual(c.replica(1).endOffsetForEpoch(0), { epoch: 0, endOffset: 2 });
    assert.deepEqual(c.replica(1).endOffsetForEpoch(1), { epoch: 1, endOffset: 4 });
  });

  it('KIP-279: a follower with an epoch the leader never had truncates in two rounds to the largest common epoch', async () => {
    c = await ReplicaCluster.start();
    await produce(c, 1, 1, 3); // epoch 0: offsets 0..2 on all
    await c.catchUp();
    // Epoch 1: 2 leads and writes offset 3, which 3 fetches; 1 does not.
    await c.failOver(2);
    await produce(c, 1, 2);
    await c.catchUp([3]);
    // Epoch 2: 1 leads (still in the ISR) and writes 3..4 before anyone fetches them.
    await c.failOver(1);
    await produce(c, 1, 3, 2);
    assert.deepEqual(c.replica(1).endOffsetForEpoch(2), { epoch: 2, endOffset: 5 });
    // Epoch 3: 3 leads; its epochs are 0@0, 1@3, 3@4. 1 asks about epoch 2, which 3 never had.
    await c.failOver(3);
    await produce(c, 1, 4);
    assert.equal((await c.fetch(1)).get('replicated-0'), 'truncated');
    assert.equal(c.replica(1).logEndOffset, 3, 'to the end of its own epoch 0, below the epoch 1 the leader named');
    assert.equal((await c.fetch(1)).get('replicated-0'), 'appended', 'epoch 0 ends at 3 on both: no more divergence');
    await c.catchUp();
    for (const id of [1, 2]) assert.deepEqual(await c.batches(id), await c.batches(3));
    assert.deepEqual(c.replica(1).endOffsetForEpoch(1), { epoch: 1, endOffset: 4 });
  });

  it('followers follow the leader log start; one behind it restarts its log there (OFFSET_OUT_OF_RANGE)', async () => {
    c = await ReplicaCluster.start({ logConfig: { segmentBytes: 200 } });
    for (let i = 0; i < 6; i++) await produce(c, 1, i, 2);
    // 3 never fetches and leaves the ISR (checked every 15 s; out once over 30 s); 2 has everything.
    for (let i = 0; i < 5; i++) {
      await c.catchUp([2]);
      await c.clock.advance(10_000);
    }
    await c.catchUp([2]);
    assert.deepEqual([c.isr, c.leaderReplica.highWatermark, c.replica(2).highWatermark], [[1, 2], 12, 12]);
    const leader = c.leaderReplica;
    // DeleteRecords on the leader (what ReplicaManager.deleteRecords does to the log): its start moves up.
    await (leader as unknown as { log: { deleteRecordsBefore(o: number): Promise<number> } }).log.deleteRecordsBefore(8);
    assert.equal(leader.logStartOffset, 8);
    await c.catchUp([2]);
    assert.equal(c.replica(2).logStartOffset, 8, 'a follower that has the data follows the leader log start (DeleteRecords reaches it)');
    assert.equal((await c.fetch(3)).get('replicated-0'), 'truncated');
    assert.equal(c.replica(3).logStartOffset, 8);
    await c.catchUp([3]);
    assert.equal(c.replica(3).logEndOffset, 12);
  });

  it('with fetcher loops running (ReplicaFetcherManager, parked fetches woken by the leader log end), acks=all completes and a leader change moves the fetchers', async () => {
    c = await ReplicaCluster.start({ minInsyncReplicas: 3 });
    const managers = new Map<number, ReplicaFetcherManager>();
    for (const id of [1, 2, 3]) managers.set(id, new ReplicaFetcherManager({ localId: id, clock: c.clock, transport: c.transport, maxWaitMs: 500, backoffMs: 100 }));
    const cluster = c;
    try {
      for (const id of [2, 3]) await managers.get(id)!.follow(c.replica(id));
      assert.deepEqual(managers.get(2)!.leaders(), [1]);
      const first = track(produce(c, -1, 1, 2));
      await until(() => first.settled());
      assert.equal(errorOf(first.value()), ErrorCode.NONE, 'no test stepping: the followers fetched on their own');
      assert.equal(c.leaderReplica.highWatermark, 2);
      // Leader change to 2: it stops fetching before it leads; 1 and 3 follow 2.
      await managers.get(2)!.unfollow(c.replica(2));
      await c.failOver(2);
      for (const id of [1, 3]) await managers.get(id)!.follow(c.replica(id));
      assert.deepEqual(managers.get(3)!.leaders(), [2]);
      const second = track(produce(c, -1, 2, 3));
      await until(() => second.settled());
      assert.equal(errorOf(second.value()), ErrorCode.NONE);
      // Followers learn the HW from their next answer, which the leader holds up to max wait (Kafka's too).
      await c.clock.advance(500);
      await until(() => [1, 3].every((id) => cluster.replica(id).highWatermark === 5));
      for (const id of [1, 3]) assert.deepEqual(await c.batches(id), await c.batches(2));
    } finally {
      for (const m of managers.values()) await m.stop();
      // Fetches the leaders still hold answer at their max wait, to nobody.
      await c.clock.advance(1000);
    }
  });

  it('a follower rejoins the ISR only once its LEO reaches both the HW and the leader epoch start offset', async () => {
    c = await ReplicaCluster.start();
    await produce(c, 1, 1, 2);
    await c.catchUp();
    // 3 stalls and leaves the ISR while 1 keeps writing and 2 keeps up.
    for (let i = 0; i < 4; i++) {
      await produce(c, 1, 10 + i, 2);
      await c.catchUp([2]);
      await c.clock.advance(12_000);
    }
    assert.deepEqual(c.isr, [1, 2]);
    // 2 fetches one more batch but not the HW that covers it: it will lead with HW 10 < LEO 12.
    await produce(c, 1, 20, 2);
    await c.fetch(2);
    await c.failOver(2);
    const epochStart = c.replica(2).logEndOffset;
    assert.deepEqual([epochStart, c.leaderReplica.highWatermark], [12, 10]);
    // 3 fetches one batch at a time (replica.fetch.max.bytes below a batch: KIP-74 still gives one).
    const slow = new ReplicaFetcher(2, { localId: 3, clock: c.clock, transport: c.transport, maxWaitMs: 0, partitionMaxBytes: 1 });
    slow.addPartition(c.replica(3));
    const hw = c.leaderReplica.highWatermark;
    let sawAtHw = false;
    // What the leader knows of 3's LEO: its last fetch offset.
    const seen = (): number => cluster.leaderReplica.leadership?.follower(3)?.logEndOffset ?? -1;
    const cluster = c;
    for (let i = 0; i < 20 && seen() < epochStart; i++) {
      await slow.fetchOnce();
      await settle();
      if (seen() < epochStart) assert.deepEqual(c.isr, [1, 2], `LEO ${seen()} (HW ${hw}) is below the epoch start ${epochStart}`);
      if (seen() === hw) sawAtHw = true;
    }
    assert.ok(sawAtHw, 'it was at the HW, and still out of the ISR');
    assert.deepEqual(c.isr, [1, 2, 3], 'the fetch at the epoch start offset brings it back');
  });

  it('a retried idempotent batch (acks=all) is answered only once its first copy is committed, as Kafka delays it (found by the replication simulator)', async () => {
    c = await ReplicaCluster.start({ minInsyncReplicas: 2 });
    const idem = { producerId: 7n, epoch: 0, firstSeq: 0, lastSeq: 0 };
    const batch = makeBatch({ seed: 9 });
    batch.writeBigInt64BE(7n, 43);
    batch.writeInt16BE(0, 51);
    batch.writeInt32BE(0, 53);
    writeCrc(batch);
    const first = track(c.leaderReplica.appendFromClient(batch, -1, idem, 0, undefined, 60_000));
    await until(() => c.leaderReplica.leadership?.waitingAcks === 1);
    // The client timed out and retries the same batch: not replicated yet, so no answer yet.
    const retry = track(c.leaderReplica.appendFromClient(batch, -1, idem, 0, undefined, 60_000));
    await until(() => c.leaderReplica.leadership?.waitingAcks === 2);
    assert.equal(retry.settled(), false, 'the duplicate is not acknowledged before the HW passes it');
    await c.fetch(2);
    await c.fetch(2);
    await c.fetch(3);
    await c.fetch(3);
    await until(() => retry.settled() && first.settled());
    assert.deepEqual(retry.value(), { kind: 'duplicate', baseOffset: 0, lastOffset: 0, logAppendTimeMs: -1 });
    assert.equal(c.leaderReplica.logEndOffset, 1, 'written once');
    // With a timeout and no follower, a retry is refused as the first copy would be.
    const again = await c.leaderReplica.appendFromClient(batch, -1, idem, 0, undefined, 60_000);
    assert.equal(again.kind, 'duplicate');
  });
});
