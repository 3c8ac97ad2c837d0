import assert from 'node:assert/strict';
import { MetadataImage, type MetadataChange } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { Controller, type MetadataLogStore } from './controller.js';
import { createTopicsCommand, type TopicDefaults } from './topic-control.js';

const defaults: TopicDefaults = { numPartitions: 4, replicationFactor: 1, brokerIds: [1], validateConfig: () => null, newTopicId: () => Buffer.alloc(16, 7).toString('base64url') };

/** A log store that commits at once, numbering records from 0. */
function memoryStore(): MetadataLogStore {
  let next = 0;
  return { append: async (records: readonly MetadataRecord[]) => records.map(() => next++) };
}

describe('controller/Controller', () => {
  it('a command\'s records are all in the image before the broker acts on any: a request meanwhile sees the whole topic', async () => {
    const image = new MetadataImage();
    const seen: number[] = [];
    const onChange = async (change: MetadataChange): Promise<void> => {
      // What a Metadata request arriving while the broker creates this change's log would see.
      if (change.kind === 'partitionAdded') seen.push(image.topicsByName.get('t')?.partitions.size ?? 0);
      await new Promise((r) => setImmediate(r));
    };
    const controller = new Controller(image, memoryStore(), onChange);
    await controller.run(createTopicsCommand([{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], false, defaults));
    assert.deepEqual(seen, [4, 4, 4, 4], 'never a topic with fewer partitions than it was created with');
  });
});
