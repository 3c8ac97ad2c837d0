import assert from 'node:assert/strict';
import { MetadataImage, type MetadataChange } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { Controller, NotControllerError, type MetadataLogStore } from './controller.js';
import { MetadataPublisher } from './metadata-publisher.js';
import { createTopicsCommand, type TopicDefaults } from './topic-control.js';

const defaults: TopicDefaults = { numPartitions: 4, replicationFactor: 1, brokerIds: [1], validateConfig: () => null, newTopicId: () => Buffer.alloc(16, 7).toString('base64url') };

/** A log store that commits at once, numbering records from 0, and publishes them as the quorum does. */
function memoryStore(publisher: MetadataPublisher, state = { active: true, leaderId: 1 }): MetadataLogStore {
  let next = 0;
  return {
    append: async (records: readonly MetadataRecord[]) => {
      const batch = records.map((record) => ({ record, offset: next++ }));
      await publisher.publish(batch);
      return batch.map((b) => b.offset);
    },
    controllerState: () => state,
  };
}

const createT = createTopicsCommand([{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], false, defaults);

describe('controller/Controller', () => {
  it('a command\'s records are all in the image before the broker acts on any: a request meanwhile sees the whole topic', async () => {
    const image = new MetadataImage();
    const seen: number[] = [];
    const publisher = new MetadataPublisher(image);
    publisher.subscribe(async (change: MetadataChange): Promise<void> => {
      // What a Metadata request arriving while the broker creates this change's log would see.
      if (change.kind === 'partitionAdded') seen.push(image.topicsByName.get('t')?.partitions.size ?? 0);
      await new Promise((r) => setImmediate(r));
    });
    const controller = new Controller(image, memoryStore(publisher));
    await controller.run(createT);
    assert.deepEqual(seen, [4, 4, 4, 4], 'never a topic with fewer partitions than it was created with');
  });

  it('a node that is not the active controller refuses commands with the leader it knows, and writes nothing', async () => {
    const image = new MetadataImage();
    const controller = new Controller(image, memoryStore(new MetadataPublisher(image), { active: false, leaderId: 3 }));
    await assert.rejects(controller.run(createT), (e: unknown) => e instanceof NotControllerError && e.leaderId === 3);
    assert.equal(image.topicsByName.size, 0);
  });
});
