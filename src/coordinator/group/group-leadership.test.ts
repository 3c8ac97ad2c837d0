import assert from 'node:assert/strict';
import { ManualClock, settle } from '../../testing/manual-clock.js';
import { ReplicaCluster } from '../../testing/replica-cluster.js';
import type { Timer } from '../../io/clock.js';
import { silentLogger } from '../../util/logger.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { partitionCoordinatorLog, type CoordinatorLog } from '../runtime.js';
import { GroupCoordinator, type CommitRequest, type GroupConfig, type JoinRequest } from './group-coordinator.js';
import { offsetsPartitionFor } from './records.js';

/** A manual clock that knows how many timers are still armed (neither fired nor cancelled). */
class CountingClock extends ManualClock {
  readonly armed = new Set<object>();
  override setTimer(delayMs: number, fn: () => void): Timer {
    const token = {};
    this.armed.add(token);
    const t = super.setTimer(delayMs, () => {
      this.armed.delete(token);
      fn();
    });
    return { cancel: () => (this.armed.delete(token), t.cancel()) };
  }
}

/** An in-memory partition whose appends can be held (a leader waiting for its followers). */
class MemoryLog implements CoordinatorLog {
  batches: Buffer[] = [];
  end = 0;
  hold: Promise<void> | null = null;
  get logStartOffset(): number {
    return 0;
  }
  get highWatermark(): number {
    return this.end;
  }
  get logEndOffset(): number {
    return this.end;
  }
  async read(offset: number): Promise<Buffer | null> {
    return Buffer.concat(this.batches.filter((b) => Number(b.readBigInt64BE(0)) + b.readInt32BE(23) >= offset));
  }
  async append(batch: Buffer): Promise<{ baseOffset: number }> {
    if (this.hold !== null) await this.hold;
    const baseOffset = this.end;
    batch.writeBigInt64BE(BigInt(baseOffset), 0);
    this.end += batch.readInt32BE(57);
    this.batches.push(Buffer.from(batch));
    return { baseOffset };
  }
}

const CONFIG: GroupConfig = {
  offsetsTopicNumPartitions: 2,
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxSize: 10,
  offsetsRetentionMs: 7 * 24 * 3600_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

function coordinator(clock: ManualClock, config: Partial<GroupConfig> = {}): GroupCoordinator {
  let uuid = 0;
  return new GroupCoordinator({ config: { ...CONFIG, ...config }, clock, logger: silentLogger, nodeId: 1, newUuid: () => `u${++uuid}`, offsetsTopicExists: () => true, createOffsetsTopic: async () => undefined });
}

/** A group id whose __consumer_offsets partition (of `n`) is `partition`. */
function groupIn(partition: number, n = 2): string {
  for (let i = 0; i < 1000; i++) if (offsetsPartitionFor(`g${i}`, n) === partition) return `g${i}`;
  throw new Error('no group id found');
}

function join(groupId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return { groupId, memberId: '', groupInstanceId: null, clientId: 'c', clientHost: '/127.0.0.1', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('m') }], requireKnownMemberId: false, reason: null, ...overrides };
}

function commit(groupId: string, offset: number, topic = 't'): CommitRequest {
  return { groupId, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, partitions: [{ topic, partition: 0, offset, leaderEpoch: -1, metadata: null, commitTimestampMs: -1 }] };
}

/** Lets promise chains and real disk writes run until `cond` holds (bounded). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await settle();
  assert.ok(cond(), `still waiting for: ${what}`);
}

async function committed(c: GroupCoordinator, groupId: string): Promise<{ errorCode: number; offset: number | undefined }> {
  const f = await c.fetchOffsets(groupId, [{ topic: 't', partitions: [0] }]);
  return { errorCode: f.errorCode, offset: f.topics[0]?.partitions[0]?.offset };
}

describe('group coordinator: leadership of __consumer_offsets partitions', () => {
  it('resigning a partition: its groups answer NOT_COORDINATOR, its timers stop; the other partition is untouched; hosting again reloads', async () => {
    const clock = new CountingClock();
    const c = coordinator(clock);
    const logs = [new MemoryLog(), new MemoryLog()];
    c.hostPartition(0, logs[0] as MemoryLog, 0);
    c.hostPartition(1, logs[1] as MemoryLog, 0);
    await c.whenLoaded();
    const [g0, g1] = [groupIn(0), groupIn(1)];
    assert.deepEqual(await c.commitOffsets(commit(g0, 10)), [ErrorCode.NONE]);
    assert.deepEqual(await c.commitOffsets(commit(g1, 11)), [ErrorCode.NONE]);
    // A member of a group on partition 0 with a session timer, and one of partition 1.
    const joined0 = c.joinGroup(join(g0));
    const joined1 = c.joinGroup(join(g1));
    await clock.advance(3000);
    const m0 = await joined0;
    const m1 = await joined1;
    assert.equal(m0.errorCode, ErrorCode.NONE);
    const armedBefore = clock.armed.size;

    c.resignPartition(0, 0);
    assert.deepEqual(c.hostedPartitions(), [1]);
    assert.equal(c.heartbeat(g0, m0.memberId, null, m0.generationId), ErrorCode.NOT_COORDINATOR);
    assert.deepEqual(await c.commitOffsets(commit(g0, 12)), [ErrorCode.NOT_COORDINATOR]);
    assert.equal((await committed(c, g0)).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal(c.describeGroup(g0).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.ok(clock.armed.size < armedBefore, 'the resigned group\'s timers were cancelled');
    assert.equal(c.listGroups([]).groups.some((g) => g.groupId === g0), false, 'its groups are dropped');
    // Partition 1 is served as before.
    assert.equal(c.heartbeat(g1, m1.memberId, null, m1.generationId), ErrorCode.NONE);
    assert.deepEqual(await committed(c, g1), { errorCode: ErrorCode.NONE, offset: 11 });

    // Leadership comes back at a newer epoch: the partition is loaded from the log again.
    c.hostPartition(0, logs[0] as MemoryLog, 2);
    await c.whenLoaded();
    assert.deepEqual(await committed(c, g0), { errorCode: ErrorCode.NONE, offset: 10 });
    c.close();
  });

  it('hostPartition at the same epoch keeps the shard; at a newer one reloads what another leader wrote meanwhile', async () => {
    const clock = new ManualClock();
    const log = new MemoryLog();
    const a = coordinator(clock, { offsetsTopicNumPartitions: 1 });
    const b = coordinator(clock, { offsetsTopicNumPartitions: 1 });
    a.hostPartition(0, log, 1);
    await a.whenLoaded();
    assert.deepEqual(await a.commitOffsets(commit('g', 5)), [ErrorCode.NONE]);
    // Another node leads at epoch 2 and commits; this one never heard it resign.
    b.hostPartition(0, log, 2);
    await b.whenLoaded();
    assert.deepEqual(await b.commitOffsets(commit('g', 6)), [ErrorCode.NONE]);
    a.hostPartition(0, log, 1);
    assert.equal((await committed(a, 'g')).offset, 5, 'the same epoch: nothing reloaded');
    a.resignPartition(0, 0);
    assert.equal((await committed(a, 'g')).offset, 5, 'a resignation of an older epoch is ignored');
    a.hostPartition(0, log, 3);
    await a.whenLoaded();
    assert.equal((await committed(a, 'g')).offset, 6, 'a newer epoch: loaded afresh');
    a.close();
    b.close();
  });

  it('requests in flight on a resigned partition fail fast: a parked JoinGroup, a commit waiting for its append', async () => {
    const clock = new CountingClock();
    const c = coordinator(clock, { offsetsTopicNumPartitions: 1 });
    const log = new MemoryLog();
    c.hostPartition(0, log, 0);
    await c.whenLoaded();
    // The JoinGroup waits in PreparingRebalance (group.initial.rebalance.delay.ms).
    let joinAnswer: number | null = null;
    void c.joinGroup(join('g')).then((r) => (joinAnswer = r.errorCode));
    // The commit's append never completes on its own (a leader whose followers stopped fetching).
    log.hold = new Promise<void>(() => undefined);
    let commitAnswer: number[] | null = null;
    void c.commitOffsets(commit('other', 1)).then((r) => (commitAnswer = r));
    await settle();
    assert.equal(joinAnswer, null);
    assert.equal(commitAnswer, null);
    c.resignPartition(0);
    await settle();
    assert.equal(joinAnswer, ErrorCode.NOT_COORDINATOR);
    assert.deepEqual(commitAnswer, [ErrorCode.NOT_COORDINATOR]);
    // Only the coordinator's own offset-expiry timer is left.
    assert.equal(clock.armed.size, 1);
    c.close();
  });

  describe('on a replicated partition (acks=all)', () => {
    let cluster: ReplicaCluster;
    afterEach(() => cluster.close());

    it('a commit is answered only once the followers fetched it (the HW passed it); after a failover the new leader reads it back', async () => {
      cluster = await ReplicaCluster.start();
      const one = coordinator(cluster.clock, { offsetsTopicNumPartitions: 1 });
      one.hostPartition(0, partitionCoordinatorLog(cluster.replica(1)), cluster.leaderEpoch);
      await one.whenLoaded();
      let answer: number[] | null = null;
      void one.commitOffsets(commit('g', 42)).then((r) => (answer = r));
      await until(() => cluster.replica(1).leadership?.waitingAcks === 1, 'the append waiting for acks');
      assert.equal(answer, null, 'written on the leader, not yet on the ISR');
      assert.equal(cluster.replica(1).highWatermark, 0);
      await cluster.fetch(2);
      await settle();
      assert.equal(answer, null, 'one follower of two has it');
      await cluster.catchUp();
      await until(() => answer !== null, 'the commit answered');
      assert.deepEqual(answer, [ErrorCode.NONE]);
      assert.ok(cluster.replica(1).highWatermark > 0);

      // Broker 2 takes over (epoch 1): broker 1 resigns, broker 2 loads the partition.
      await cluster.failOver(2);
      one.resignPartition(0, 0);
      const two = coordinator(cluster.clock, { offsetsTopicNumPartitions: 1 });
      two.hostPartition(0, partitionCoordinatorLog(cluster.replica(2)), cluster.leaderEpoch);
      await two.whenLoaded();
      assert.deepEqual(await committed(two, 'g'), { errorCode: ErrorCode.NONE, offset: 42 });
      assert.equal((await committed(one, 'g')).errorCode, ErrorCode.NOT_COORDINATOR);
      one.close();
      two.close();
    });

    it('a commit waiting for its followers when the leadership moves answers NOT_COORDINATOR', async () => {
      cluster = await ReplicaCluster.start();
      const one = coordinator(cluster.clock, { offsetsTopicNumPartitions: 1 });
      one.hostPartition(0, partitionCoordinatorLog(cluster.replica(1)), cluster.leaderEpoch);
      await one.whenLoaded();
      const answer = one.commitOffsets(commit('g', 7));
      await until(() => cluster.replica(1).leadership?.waitingAcks === 1, 'the append waiting for acks');
      await cluster.failOver(2);
      assert.deepEqual(await answer, [ErrorCode.NOT_COORDINATOR]);
      one.close();
    });

    it('min.insync.replicas and the append timeout: COORDINATOR_NOT_AVAILABLE (Kafka\'s mapping)', async () => {
      cluster = await ReplicaCluster.start({ minInsyncReplicas: 2 });
      await cluster.elect(1, 1, [1]);
      const one = coordinator(cluster.clock, { offsetsTopicNumPartitions: 1 });
      one.hostPartition(0, partitionCoordinatorLog(cluster.replica(1), 5000), cluster.leaderEpoch);
      await one.whenLoaded();
      assert.deepEqual(await one.commitOffsets(commit('g', 1)), [ErrorCode.COORDINATOR_NOT_AVAILABLE], 'NOT_ENOUGH_REPLICAS before the append');
      // Back to an ISR of three whose followers do not fetch: the append times out.
      await cluster.elect(1, 2, [1, 2, 3]);
      one.hostPartition(0, partitionCoordinatorLog(cluster.replica(1), 5000), cluster.leaderEpoch);
      await one.whenLoaded();
      const answer = one.commitOffsets(commit('g', 2));
      await until(() => cluster.replica(1).leadership?.waitingAcks === 1, 'the append waiting for acks');
      await cluster.clock.advance(5000);
      assert.deepEqual(await answer, [ErrorCode.COORDINATOR_NOT_AVAILABLE], 'REQUEST_TIMED_OUT');
      one.close();
    });
  });
});
