import assert from 'node:assert/strict';
import { placeReplicas } from './replica-placement.js';
import { createTopicsCommand, type TopicDefaults } from './topic-control.js';
import { MetadataImage } from '../metadata/metadata-image.js';

const racksOf = (racks: Record<number, string | null>): Map<number, string | null> => new Map(Object.entries(racks).map(([id, r]) => [Number(id), r]));

describe('controller/replica placement', () => {
  it('without racks: round robin from a partition-dependent broker (as before)', () => {
    assert.deepEqual(placeReplicas(4, 2, [1, 2, 3], 0), [[1, 2], [2, 3], [3, 1], [1, 2]]);
    assert.deepEqual(placeReplicas(2, 2, [1, 2, 3], 1, racksOf({ 1: null, 2: null, 3: null })), [[2, 3], [3, 1]]);
  });

  it('with racks: every partition\'s replicas are on distinct racks and leaders spread over all brokers', () => {
    // Racks of unequal size, brokers listed rack by rack: plain round robin would put replicas on one rack.
    const racks = racksOf({ 1: 'a', 2: 'a', 3: 'a', 4: 'b', 5: 'b', 6: 'c' });
    const lists = placeReplicas(12, 3, [1, 2, 3, 4, 5, 6], 0, racks);
    for (const replicas of lists) {
      assert.equal(new Set(replicas).size, 3, `distinct replicas ${replicas.join(',')}`);
      assert.equal(new Set(replicas.map((b) => racks.get(b))).size, 3, `one replica per rack: ${replicas.join(',')}`);
    }
    assert.deepEqual([...new Set(lists.map((l) => l[0]))].sort(), [1, 2, 3, 4, 5, 6], 'every broker leads some partition');
  });

  it('with fewer racks than replicas: racks are used evenly before one repeats', () => {
    const racks = racksOf({ 1: 'a', 2: 'a', 3: 'b', 4: 'b' });
    for (const replicas of placeReplicas(8, 3, [1, 2, 3, 4], 0, racks)) {
      const perRack = ['a', 'b'].map((r) => replicas.filter((b) => racks.get(b) === r).length).sort();
      assert.deepEqual(perRack, [1, 2], replicas.join(','));
      assert.equal(new Set(replicas).size, 3);
    }
  });

  it('CreateTopics uses the racks of TopicDefaults', () => {
    const d: TopicDefaults = { numPartitions: 3, replicationFactor: 2, brokerIds: [1, 2, 3, 4], racks: racksOf({ 1: 'a', 2: 'a', 3: 'b', 4: 'b' }), validateConfig: () => null, newTopicId: () => Buffer.alloc(16, 3).toString('base64url') };
    const { records } = createTopicsCommand([{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], false, d)(new MetadataImage());
    const lists = records.flatMap((r) => (r.type === 'partition' ? [r.data.replicas] : []));
    assert.equal(lists.length, 3);
    for (const l of lists) assert.notEqual(d.racks?.get(l[0] as number), d.racks?.get(l[1] as number), `replicas ${l.join(',')} on two racks`);
  });
});
