import assert from 'node:assert/strict';
import { MetadataImage, type MetadataChange } from '../metadata/metadata-image.js';
import { imageRecords } from '../metadata/image-records.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { MetadataPublisher } from './metadata-publisher.js';

const A = 'AQAAAAAAAAAAAAAAAAAAAQ';
const B = 'AQAAAAAAAAAAAAAAAAAAAg';
const C = 'AQAAAAAAAAAAAAAAAAAAAw';
const topic = (name: string, topicId: string): MetadataRecord => ({ type: 'topic', version: 0, data: { name, topicId } });
const part = (topicId: string, partitionId: number, leader: number): MetadataRecord => ({ type: 'partition', version: 0, data: { partitionId, topicId, replicas: [1, 2], isr: [1, 2], removingReplicas: [], addingReplicas: [], leader, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 } });
const config = (name: string, value: string): MetadataRecord => ({ type: 'config', version: 0, data: { resourceType: 2, resourceName: name, name: 'retention.ms', value } });
const broker = (id: number, fenced: boolean): MetadataRecord => ({ type: 'registerBroker', version: 3, data: { brokerId: id, isMigratingZkBroker: false, incarnationId: A, brokerEpoch: 1n, endPoints: [], features: [], rack: null, fenced, inControlledShutdown: false, logDirs: [] } });

function describe_(c: MetadataChange): string {
  switch (c.kind) {
    case 'partitionAdded':
    case 'partitionChanged':
      return `${c.kind} ${c.topic.name}-${c.partition.partitionId}`;
    case 'topicRemoved':
      return `${c.kind} ${c.topic.name}`;
    case 'configChanged':
      return `${c.kind} ${c.resourceName}`;
    case 'brokerChanged':
      return `${c.kind} ${c.brokerId}`;
    case 'none':
      return 'none';
  }
}

describe('controller/MetadataPublisher.reload (a snapshot loaded over the image)', () => {
  it('makes the image the snapshot\'s and tells listeners exactly what differs', async () => {
    const image = new MetadataImage();
    const publisher = new MetadataPublisher(image);
    const heard: string[] = [];
    publisher.subscribe(async (c) => void heard.push(describe_(c)));
    const before = [topic('a', A), part(A, 0, 1), part(A, 1, 1), topic('b', B), part(B, 0, 1), config('a', '1'), config('b', '1'), broker(1, false), broker(2, false)];
    await publisher.publish(before.map((record, offset) => ({ record, offset })));
    heard.length = 0;

    const snapshot = [topic('a', A), part(A, 0, 1), part(A, 1, 2), part(A, 2, 1), topic('c', C), part(C, 0, 2), config('a', '2'), broker(1, false), broker(2, true)];
    await publisher.reload(snapshot, 100);
    assert.deepEqual(heard, ['topicRemoved b', 'partitionChanged a-1', 'partitionAdded a-2', 'partitionAdded c-0', 'brokerChanged 2', 'configChanged a', 'configChanged b']);
    const fresh = new MetadataImage();
    for (const r of snapshot) fresh.replay(r, 99);
    assert.deepEqual(imageRecords(image), imageRecords(fresh));
    assert.equal(image.lastOffset, 99);
    assert.equal(image.topicsByName.has('b'), false);

    heard.length = 0;
    await publisher.reload(snapshot, 100);
    assert.deepEqual(heard, [], 'the same image again changes nothing');
  });
});
