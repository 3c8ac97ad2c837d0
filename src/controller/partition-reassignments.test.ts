/**
 * The image keeps a reassignment's adding and removing replicas (PartitionRecord, and
 * PartitionChangeRecord's tagged fields through their bytes, null = unchanged), and the
 * controller lists the ongoing reassignments as Kafka does.
 */
import assert from 'node:assert/strict';
import { ClusterHarness } from '../testing/cluster-harness.js';
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
