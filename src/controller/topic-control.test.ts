import assert from 'node:assert/strict';
import { MetadataImage } from '../metadata/metadata-image.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { createPartitionsCommand, createTopicsCommand, deleteTopicsCommand, type TopicDefaults } from './topic-control.js';
import type { ControllerResult } from './controller.js';

let ids = 0;
const defaults: TopicDefaults = {
  numPartitions: 2,
  replicationFactor: 1,
  brokerIds: [1],
  validateConfig: (name, value) => (name === 'cleanup.policy' && value !== 'delete' && value !== 'compact' ? `Invalid value ${value} for configuration ${name}` : null),
  newTopicId: () => Buffer.alloc(16, ++ids).toString('base64url'),
};

/** Applies a command's records to the image, as the controller does after the log append. */
function apply<T>(image: MetadataImage, result: ControllerResult<T>): T {
  result.records.forEach((r, i) => image.replay(r, image.lastOffset + 1 + i));
  return result.response;
}

const spec = (name: string, extra: Partial<{ numPartitions: number; replicationFactor: number; configs: { name: string; value: string | null }[] }> = {}) => ({
  name,
  numPartitions: extra.numPartitions ?? -1,
  replicationFactor: extra.replicationFactor ?? -1,
  assignments: [],
  configs: extra.configs ?? [],
});

describe('topic control commands', () => {
  it('creates topics with defaults and configs, and refuses duplicates and bad names', () => {
    const image = new MetadataImage();
    const out = apply(image, createTopicsCommand([spec('a'), spec('b', { numPartitions: 3, configs: [{ name: 'cleanup.policy', value: 'compact' }] })], false, defaults)(image));
    assert.deepEqual(out.map((o) => [o.name, o.errorCode, o.numPartitions]), [['a', 0, 2], ['b', 0, 3]]);
    assert.equal(image.topicsByName.get('b')?.partitions.size, 3);
    assert.equal(image.topicConfig('b').get('cleanup.policy'), 'compact');
    const again = apply(image, createTopicsCommand([spec('a'), spec('bad/name'), spec('c.x'), spec('d'), spec('d'), spec('e')], false, defaults)(image));
    // As Apache Kafka 4.3.1 answers: a name given twice gets one INVALID_REQUEST result, last.
    assert.deepEqual(again.map((o) => [o.name, o.errorCode, o.errorMessage]), [
      ['a', ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'a' already exists."],
      ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic name is invalid: 'bad/name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"],
      ['c.x', ErrorCode.NONE, null],
      ['e', ErrorCode.NONE, null],
      ['d', ErrorCode.INVALID_REQUEST, 'Duplicate topic name.'],
    ]);
    assert.equal(image.topicsByName.has('d'), false);
    const collision = apply(image, createTopicsCommand([spec('c_x'), spec('f.g'), spec('f_g')], false, defaults)(image));
    // Collisions are with topics that existed before the request; Kafka 4.3.1 creates both f.g and f_g.
    assert.deepEqual(collision.map((o) => [o.name, o.errorCode, o.errorMessage]), [
      ['c_x', ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic 'c_x' collides with existing topic: c.x"],
      ['f.g', ErrorCode.NONE, null],
      ['f_g', ErrorCode.NONE, null],
    ]);
  });

  it('validates partitions, replication factor and configs, and changes nothing on validateOnly', () => {
    const image = new MetadataImage();
    const out = apply(image, createTopicsCommand([spec('p', { numPartitions: 0 }), spec('r', { replicationFactor: 3 }), spec('c', { configs: [{ name: 'cleanup.policy', value: 'nope' }] })], false, defaults)(image));
    assert.deepEqual(out.map((o) => o.errorCode), [ErrorCode.INVALID_PARTITIONS, ErrorCode.INVALID_REPLICATION_FACTOR, ErrorCode.INVALID_CONFIG]);
    const dry = createTopicsCommand([spec('v')], true, defaults)(image);
    assert.equal(dry.records.length, 0);
    assert.equal(dry.response[0]?.errorCode, ErrorCode.NONE);
  });

  it('places replicas on fenced brokers only when the unfenced are too few; they start outside the ISR (Kafka\'s StripedReplicaPlacer)', () => {
    const image = new MetadataImage();
    const d = { ...defaults, brokerIds: [2, 3], fencedBrokerIds: [1] };
    apply(image, createTopicsCommand([spec('t', { numPartitions: 3, replicationFactor: 3 }), spec('two', { numPartitions: 2, replicationFactor: 2 })], false, d)(image));
    for (const p of image.topicsByName.get('t')?.partitions.values() ?? []) {
      assert.deepEqual([...p.replicas].sort(), [1, 2, 3]);
      assert.equal(p.replicas[2], 1, 'the fenced broker takes the last place');
      assert.deepEqual([...p.isr].sort(), [2, 3]);
      assert.notEqual(p.leader, 1);
    }
    for (const p of image.topicsByName.get('two')?.partitions.values() ?? []) assert.ok(!p.replicas.includes(1), 'enough unfenced brokers: the fenced one is not used');
    const tooMany = createTopicsCommand([spec('x', { replicationFactor: 4 })], false, d)(image).response[0];
    assert.equal(tooMany?.errorMessage, 'Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.');
    const allFenced = createTopicsCommand([spec('y')], false, { ...defaults, brokerIds: [], fencedBrokerIds: [1, 2] })(image).response[0];
    assert.equal(allFenced?.errorMessage, 'Unable to replicate the partition 1 time(s): All brokers are currently fenced.');
  });

  it('deletes by name and by id, and reports unknown topics', () => {
    const image = new MetadataImage();
    apply(image, createTopicsCommand([spec('a'), spec('b')], false, defaults)(image));
    const idB = image.topicsByName.get('b')?.topicId ?? '';
    const out = apply(image, deleteTopicsCommand([{ name: 'a', topicId: null }, { name: null, topicId: idB }, { name: 'zz', topicId: null }], true)(image));
    assert.deepEqual(out.map((o) => o.errorCode), [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    assert.equal(image.topicsByName.size, 0);
    const disabled = deleteTopicsCommand([{ name: 'x', topicId: null }], false)(image);
    assert.equal(disabled.response[0]?.errorCode, ErrorCode.TOPIC_DELETION_DISABLED);
  });

  it('adds partitions only as an increase', () => {
    const image = new MetadataImage();
    apply(image, createTopicsCommand([spec('a')], false, defaults)(image));
    const out = apply(image, createPartitionsCommand([{ name: 'a', count: 5, assignments: null }, { name: 'nope', count: 2, assignments: null }], false, defaults)(image));
    assert.deepEqual(out.map((o) => o.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    assert.deepEqual([...(image.topicsByName.get('a')?.partitions.keys() ?? [])], [0, 1, 2, 3, 4]);
    const same = createPartitionsCommand([{ name: 'a', count: 5, assignments: null }], false, defaults)(image);
    assert.equal(same.response[0]?.errorCode, ErrorCode.INVALID_PARTITIONS);
  });
});
