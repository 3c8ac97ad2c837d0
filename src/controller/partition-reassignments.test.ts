/**
 * The image keeps a reassignment's adding and removing replicas (PartitionRecord, and
 * PartitionChangeRecord's tagged fields through their bytes, null = unchanged), and the
 * controller lists the ongoing reassignments as Kafka does.
 */
import assert from 'node:assert/strict';
import { ClusterHarness } from '../testing/cluster-harness.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { listReassignmentsCommand } from './partition-reassignments.js';

describe('controller/partition reassignments (listing)', () => {
  it('lists partitions with adding or removing replicas; null lists every one; unknown topics and partitions are left out', async () => {
    const h = new ClusterHarness();
    const t = h.createTopic('t', [[1, 2], [2, 3]]);
    h.createTopic('u', [[1, 2]]);
    assert.deepEqual(await h.run(listReassignmentsCommand(null)), [], 'nothing reassigning');
    // t-0 from [1,2] to [2,3]: replicas = target + removing, as Kafka writes them.
    h.apply([{ type: 'partitionChange', version: 0, data: { partitionId: 0, topicId: t, leader: -2, isr: null, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1], leaderRecoveryState: -1 } }]);
    const p = h.image.topicsByName.get('t')?.partitions.get(0);
    assert.deepEqual([p?.replicas, p?.addingReplicas, p?.removingReplicas], [[2, 3, 1], [3], [1]]);
    const all = await h.run(listReassignmentsCommand(null));
    assert.deepEqual(all, [{ topic: 't', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] }]);
    const named = await h.run(listReassignmentsCommand([{ topic: 't', partitions: [0, 1, 7] }, { topic: 'nope', partitions: [0] }]));
    assert.deepEqual(named.map((o) => `${o.topic}-${o.partition}`), ['t-0']);
    // A change that leaves the reassignment fields null keeps them; empty lists end it.
    h.apply([{ type: 'partitionChange', version: 0, data: { partitionId: 0, topicId: t, leader: -2, isr: [1, 2, 3], leaderRecoveryState: -1 } }]);
    assert.deepEqual(h.image.topicsByName.get('t')?.partitions.get(0)?.addingReplicas, [3]);
    h.apply([{ type: 'partitionChange', version: 0, data: { partitionId: 0, topicId: t, leader: -2, isr: [2, 3], replicas: [2, 3], addingReplicas: [], removingReplicas: [], leaderRecoveryState: -1 } }]);
    assert.deepEqual(await h.run(listReassignmentsCommand(null)), []);
  });
});

describe('controller/partition reassignments (AlterPartitionReassignments, completion)', () => {
  let h: ClusterHarness;
  let topicId: string;
  const epoch = (id: number): bigint => h.image.brokers.get(id)?.epoch ?? -1n;
  const state = () => {
    const p = h.image.topicsByName.get('t')?.partitions.get(0);
    return { replicas: p?.replicas, adding: p?.addingReplicas, removing: p?.removingReplicas, isr: p?.isr, leader: p?.leader, leaderEpoch: p?.leaderEpoch };
  };
  const reassign = (replicas: number[] | null, allowRf = true) => h.control.alterReassignments([{ topic: 't', partitions: [{ partition: 0, replicas }] }], allowRf);
  /** The leader's AlterPartition proposing `isr` (v3, with broker epochs). */
  const alterIsr = (isr: number[], from = state().leader ?? -1) => {
    const p = h.partition('t', 0);
    return h.control.alterPartition({ brokerId: from, brokerEpoch: epoch(from), topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, partitionEpoch: p.partitionEpoch, leaderRecoveryState: 0, newIsr: [], newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: epoch(brokerId) })) }] }] }, 3);
  };

  beforeEach(async () => {
    h = new ClusterHarness();
    for (const id of [1, 2, 3]) await h.liveBroker(id, 0);
    topicId = h.createTopic('t', [[1, 2]]);
  });

  it('starts a reassignment [1,2] -> [2,3]: replicas target then removing, adding and removing set, no epoch bump', async () => {
    assert.deepEqual(await reassign([2, 3]), [{ topic: 't', partition: 0, errorCode: ErrorCode.NONE, errorMessage: null }]);
    assert.deepEqual(state(), { replicas: [2, 3, 1], adding: [3], removing: [1], isr: [1, 2], leader: 1, leaderEpoch: 0 });
    assert.deepEqual(await h.run(listReassignmentsCommand(null)), [{ topic: 't', partition: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] }]);
  });

  it('completes in the AlterPartition that brings the last target into the ISR, electing a leader from the target', async () => {
    await reassign([2, 3]);
    const r = await alterIsr([1, 2, 3]);
    // The leader (1) is not in the target: leadership moved off the sender.
    assert.equal(r.topics[0]?.partitions[0]?.errorCode, ErrorCode.NEW_LEADER_ELECTED);
    assert.deepEqual(state(), { replicas: [2, 3], adding: [], removing: [], isr: [2, 3], leader: 2, leaderEpoch: 1 });
    assert.deepEqual(await h.run(listReassignmentsCommand(null)), []);
  });

  it('an ISR change not covering the target leaves the reassignment going; a leader in the target keeps leading, at a new epoch', async () => {
    topicId = h.createTopic('t2', [[1, 2]]);
    await h.control.alterReassignments([{ topic: 't2', partitions: [{ partition: 0, replicas: [1, 3] }] }], true);
    const p = () => h.image.topicsByName.get('t2')?.partitions.get(0);
    const alter = (isr: number[]) => {
      const cur = h.partition('t2', 0);
      return h.control.alterPartition({ brokerId: 1, brokerEpoch: epoch(1), topics: [{ topicId, partitions: [{ partitionIndex: 0, leaderEpoch: cur.leaderEpoch, partitionEpoch: cur.partitionEpoch, leaderRecoveryState: 0, newIsr: isr }] }] }, 2);
    };
    await alter([1]);
    assert.deepEqual([p()?.replicas, p()?.addingReplicas, p()?.isr], [[1, 3, 2], [3], [1]]);
    const r = await alter([1, 3]);
    assert.equal(r.topics[0]?.partitions[0]?.errorCode, ErrorCode.NONE);
    assert.deepEqual(r.topics[0]?.partitions[0]?.isr, [1, 3]);
    assert.deepEqual([p()?.replicas, p()?.addingReplicas, p()?.removingReplicas, p()?.isr, p()?.leader, p()?.leaderEpoch], [[1, 3], [], [], [1, 3], 1, 1]);
  });

  it('a target already in the ISR completes at once (shrinking [1,2] to [2])', async () => {
    await reassign([2]);
    assert.deepEqual(state(), { replicas: [2], adding: [], removing: [], isr: [2], leader: 2, leaderEpoch: 1 });
  });

  it('cancel (null target) reverts to the original replicas and drops the adding ones; none in progress: NO_REASSIGNMENT_IN_PROGRESS', async () => {
    assert.equal((await reassign(null))[0]?.errorCode, ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
    await reassign([2, 3]);
    await alterIsr([1, 2]);
    assert.equal((await reassign(null))[0]?.errorCode, ErrorCode.NONE);
    // Kafka's PartitionReassignmentRevert keeps the merged order less the adding replicas: [2,1].
    assert.deepEqual(state(), { replicas: [2, 1], adding: [], removing: [], isr: [1, 2], leader: 1, leaderEpoch: 1 });
    assert.deepEqual(await h.run(listReassignmentsCommand(null)), []);
  });

  it('refuses unknown partitions, empty, duplicate and unregistered targets, and a replication factor change when not allowed', async () => {
    const before = h.written.length;
    const out = await h.control.alterReassignments([
      { topic: 'nope', partitions: [{ partition: 0, replicas: [1] }] },
      { topic: 't', partitions: [{ partition: 5, replicas: [1] }, { partition: 0, replicas: [] }] },
    ], true);
    assert.deepEqual(out.map((o) => o.errorCode), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REPLICA_ASSIGNMENT]);
    assert.equal((await reassign([2, 2]))[0]?.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    const unregistered = (await reassign([2, 9]))[0];
    assert.equal(unregistered?.errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    assert.match(unregistered?.errorMessage ?? '', /broker 9, but no such broker is registered/);
    assert.equal((await reassign([1, 2, 3], false))[0]?.errorCode, ErrorCode.INVALID_REPLICATION_FACTOR);
    assert.equal(h.written.length, before, 'nothing written');
    assert.deepEqual(state().replicas, [1, 2]);
  });
});
