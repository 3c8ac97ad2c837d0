import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { partitionForKey } from './partitioner.js';

// kafkajs's DefaultPartitioner is the Java client's murmur2 partitioner: the same keys must land alike.
const require = createRequire(import.meta.url);
const { Partitioners } = require('kafkajs') as { Partitioners: { DefaultPartitioner: () => (a: { topic: string; partitionMetadata: { partitionId: number; leader: number }[]; message: { key: Buffer } }) => number } };

describe('partitionForKey (Kafka\'s murmur2 partitioner)', () => {
  it('puts every key where kafkajs\'s default (Java-compatible) partitioner does', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    for (const count of [1, 3, 7, 12]) {
      const partitionMetadata = Array.from({ length: count }, (_, i) => ({ partitionId: i, leader: 1 }));
      for (let i = 0; i < 500; i++) {
        const key = Buffer.from(i % 3 === 0 ? `key-${i}` : `🙂${'x'.repeat(i % 11)}${i}`);
        assert.equal(partitionForKey(key, count), kafkajs({ topic: 't', partitionMetadata, message: { key } }), `key ${key.toString()} of ${count}`);
      }
    }
  });
});
