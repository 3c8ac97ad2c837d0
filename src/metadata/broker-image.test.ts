import assert from 'node:assert/strict';
import { MetadataImage } from './metadata-image.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from './metadata-record.js';

const INCARNATION = Buffer.alloc(16, 9).toString('base64url');

function register(brokerId: number, brokerEpoch: bigint, fenced: boolean): MetadataRecord {
  return {
    type: 'registerBroker',
    version: 3,
    data: { brokerId, isMigratingZkBroker: false, incarnationId: INCARNATION, brokerEpoch, endPoints: [{ name: 'PLAINTEXT', host: 'h', port: 9092, securityProtocol: 0 }], features: [{ name: 'metadata.version', minSupportedVersion: 21, maxSupportedVersion: 25 }], rack: 'r1', fenced, inControlledShutdown: false, logDirs: [] },
  };
}

/** Replays through the record's bytes, as the metadata log delivers it. */
function replay(image: MetadataImage, r: MetadataRecord, offset: number) {
  return image.replay(decodeMetadataRecord(encodeMetadataRecord(r)), offset);
}

describe('metadata/brokers', () => {
  it('a RegisterBrokerRecord registers the broker as fenced as the record says, at its offset', () => {
    const image = new MetadataImage();
    assert.deepEqual(replay(image, register(1, 5n, true), 5), { kind: 'brokerChanged', brokerId: 1 });
    assert.deepEqual(image.brokers.get(1), { id: 1, epoch: 5n, incarnationId: INCARNATION, endpoints: [{ name: 'PLAINTEXT', host: 'h', port: 9092, securityProtocol: 0 }], rack: 'r1', supportedFeatures: new Map([['metadata.version', [21, 25]]]), registerOffset: 5, fenced: true, inControlledShutdown: false });
    replay(image, register(2, 6n, false), 6);
    assert.equal(image.brokers.get(2)?.fenced, false);
  });

  it('Fence/Unfence records and BrokerRegistrationChangeRecord flip fencing and controlled shutdown', () => {
    const image = new MetadataImage();
    replay(image, register(1, 5n, true), 5);
    replay(image, { type: 'unfenceBroker', version: 0, data: { id: 1, epoch: 5n } }, 6);
    assert.equal(image.brokers.get(1)?.fenced, false);
    replay(image, { type: 'fenceBroker', version: 0, data: { id: 1, epoch: 5n } }, 7);
    assert.equal(image.brokers.get(1)?.fenced, true);
    replay(image, { type: 'brokerRegistrationChange', version: 1, data: { brokerId: 1, brokerEpoch: 5n, fenced: -1, inControlledShutdown: 0 } }, 8);
    assert.deepEqual([image.brokers.get(1)?.fenced, image.brokers.get(1)?.inControlledShutdown], [false, false]);
    replay(image, { type: 'brokerRegistrationChange', version: 1, data: { brokerId: 1, brokerEpoch: 5n, fenced: 0, inControlledShutdown: 1 } }, 9);
    assert.deepEqual([image.brokers.get(1)?.fenced, image.brokers.get(1)?.inControlledShutdown], [false, true]);
    replay(image, { type: 'brokerRegistrationChange', version: 1, data: { brokerId: 1, brokerEpoch: 5n, fenced: 1, inControlledShutdown: 0 } }, 10);
    assert.equal(image.brokers.get(1)?.fenced, true);
  });

  it('a change naming another registration epoch, or an unknown broker, is a broken log', () => {
    const image = new MetadataImage();
    replay(image, register(1, 5n, true), 5);
    assert.throws(() => replay(image, { type: 'unfenceBroker', version: 0, data: { id: 1, epoch: 4n } }, 6), /epoch/);
    assert.throws(() => replay(image, { type: 'fenceBroker', version: 0, data: { id: 2, epoch: 5n } }, 6), /not registered/);
  });

  it('a PartitionChangeRecord reports partitionChanged; any leader but -2 bumps the leader epoch, as Kafka', () => {
    const image = new MetadataImage();
    const topicId = Buffer.alloc(16, 1).toString('base64url');
    replay(image, { type: 'topic', version: 0, data: { name: 't', topicId } }, 0);
    replay(image, { type: 'partition', version: 0, data: { partitionId: 0, topicId, replicas: [1, 2], isr: [1, 2], removingReplicas: [], addingReplicas: [], leader: 1, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 } }, 1);
    const change = replay(image, { type: 'partitionChange', version: 0, data: { partitionId: 0, topicId, isr: [1], leader: -2 } }, 2);
    assert.equal(change.kind, 'partitionChanged');
    const p = image.topicsByName.get('t')?.partitions.get(0);
    assert.deepEqual([p?.isr, p?.leader, p?.leaderEpoch, p?.partitionEpoch], [[1], 1, 0, 1]);
    replay(image, { type: 'partitionChange', version: 0, data: { partitionId: 0, topicId, leader: 1, leaderRecoveryState: 1 } }, 3);
    assert.deepEqual([p?.leader, p?.leaderEpoch, p?.partitionEpoch, p?.leaderRecoveryState], [1, 1, 2, 1]);
  });
});
