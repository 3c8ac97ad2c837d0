import assert from 'node:assert/strict';
import { selectReplica, type ReplicaView } from './replica-selector.js';

const view = (brokerId: number, rack: string | null, logEndOffset = 10, timeSinceLastCaughtUpMs = 0): ReplicaView => ({ brokerId, rack, logEndOffset, timeSinceLastCaughtUpMs });

describe('partition/replica-selector (KIP-392 selectors)', () => {
  const leader = view(1, 'a');
  it('LeaderSelector, and RackAwareReplicaSelector without a client rack, keep the leader', () => {
    const replicas = [leader, view(2, 'b')];
    assert.equal(selectReplica('leader', 'b', replicas, leader).brokerId, 1);
    assert.equal(selectReplica('rackAware', '', replicas, leader).brokerId, 1);
  });

  it('picks the replica in the client rack; the leader when it is in that rack or none is', () => {
    assert.equal(selectReplica('rackAware', 'b', [leader, view(2, 'b'), view(3, 'c')], leader).brokerId, 2);
    assert.equal(selectReplica('rackAware', 'a', [leader, view(2, 'a')], leader).brokerId, 1);
    assert.equal(selectReplica('rackAware', 'z', [leader, view(2, 'b')], leader).brokerId, 1);
    assert.equal(selectReplica('rackAware', 'b', [leader, view(2, null)], leader).brokerId, 1);
  });

  it('among several in the rack: the largest LEO, then the most recently caught up, then the larger broker id (Kafka comparator max)', () => {
    assert.equal(selectReplica('rackAware', 'b', [leader, view(2, 'b', 9), view(3, 'b', 10)], leader).brokerId, 3);
    assert.equal(selectReplica('rackAware', 'b', [leader, view(2, 'b', 10, 5), view(3, 'b', 10, 50)], leader).brokerId, 2);
    assert.equal(selectReplica('rackAware', 'b', [leader, view(3, 'b'), view(2, 'b')], leader).brokerId, 3);
  });
});
