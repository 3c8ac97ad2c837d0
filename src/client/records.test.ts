/**
 * The shared client against an embedded node: topic admin, produce and fetch through the generated
 * codecs, ListOffsets by time, and read_committed filtering as Kafka's consumer does it (an aborted
 * transaction of a producer whose earlier transaction committed in the same fetch).
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startNode } from '../index.js';
import type { RunningNode } from '../node.js';
import { CompressionType } from '../protocol/records/batch-header.js';
import { createTopic, describeTopics } from './admin-topics.js';
import { KafkaCluster } from './cluster.js';
import { KafkaError } from './kafka-error.js';
import { EARLIEST, fetchPartition, LATEST, listOffsets, produceBatch } from './records.js';

describe('client/: admin, produce, fetch against an embedded node', function () {
  this.timeout(30_000);
  let node: RunningNode;
  let cluster: KafkaCluster;

  before(async () => {
    node = await startNode();
    cluster = await KafkaCluster.connect([node.bootstrap]);
  });

  after(async () => {
    cluster?.close();
    await node?.stop();
  });

  it('creates, describes, produces and fetches; errors name the topic', async () => {
    await createTopic(cluster, { name: 'c1', partitions: 2, replicationFactor: -1, configs: { 'retention.ms': '60000' } });
    await assert.rejects(createTopic(cluster, { name: 'c1', partitions: 1, replicationFactor: -1, configs: {} }),
      (e: unknown) => e instanceof KafkaError && /^topic c1: TOPIC_ALREADY_EXISTS/.test(e.message));
    const [d] = await describeTopics(cluster, ['c1']);
    assert.equal(d?.partitions, 2);
    assert.deepEqual(d?.configs, { 'retention.ms': '60000' });
    const leader = (await cluster.leaders('c1')).get(1) ?? -1;
    const base = 1_700_000_000_000;
    const records = [0, 1, 2].map((i) => ({ key: `k${i}`, value: `v${i}`, headers: [{ key: 'h', value: String(i) }], timestamp: base + i * 1000 }));
    assert.equal(await produceBatch(cluster, 'c1', 1, leader, records, { acks: -1, compression: CompressionType.Zstd }), 0);
    const r = await fetchPartition(cluster, 'c1', 1, leader, 1, { maxWaitMs: 0, isolationLevel: 0 });
    assert.deepEqual(r.records.map((x) => [x.offset, x.key?.toString(), x.value?.toString(), x.headers[0]?.value?.toString(), x.timestamp]),
      [[1, 'k1', 'v1', '1', base + 1000], [2, 'k2', 'v2', '2', base + 2000]]);
    assert.equal(r.nextOffset, 3);
    assert.deepEqual([...(await listOffsets(cluster, 'c1', [1], BigInt(base + 500)))], [[1, 1]]);
    assert.deepEqual([...(await listOffsets(cluster, 'c1', [1], BigInt(base + 9000)))], [[1, 3]], 'past the last timestamp: the log end');
    assert.deepEqual([...(await listOffsets(cluster, 'c1', null, EARLIEST))].sort(), [[0, 0], [1, 0]]);
    assert.deepEqual([...(await listOffsets(cluster, 'c1', null, LATEST))].sort(), [[0, 0], [1, 3]]);
    await assert.rejects(cluster.leaders('nope'), /^KafkaError: topic nope: UNKNOWN_TOPIC_OR_PARTITION$|topic nope: UNKNOWN_TOPIC_OR_PARTITION/);
  });

  it('read_committed drops an aborted transaction that follows a committed one of the same producer', async () => {
    await createTopic(cluster, { name: 'txn', partitions: 1, replicationFactor: -1, configs: {} });
    const kafka = new kafkajs.Kafka({ brokers: [node.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
    const producer = kafka.producer({ transactionalId: 'client-test', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      for (const [values, commit] of [[['c0', 'c1'], true], [['a0'], false], [['c2'], true]] as const) {
        const t = await producer.transaction();
        await t.send({ topic: 'txn', messages: values.map((value) => ({ value })) });
        await (commit ? t.commit() : t.abort());
      }
    } finally {
      await producer.disconnect();
    }
    const leader = (await cluster.leaders('txn')).get(0) ?? -1;
    const values = async (isolationLevel: number): Promise<string[]> => {
      const out: string[] = [];
      // Bounded: the last marker may land a moment after commit() returns.
      for (let i = 0, next = 0; i < 50 && !out.includes('c2'); i++) {
        const r = await fetchPartition(cluster, 'txn', 0, leader, next, { maxWaitMs: 100, isolationLevel });
        out.push(...r.records.map((x) => x.value?.toString() ?? ''));
        next = r.nextOffset;
      }
      return out;
    };
    assert.deepEqual(await values(1), ['c0', 'c1', 'c2']);
    assert.deepEqual(await values(0), ['c0', 'c1', 'a0', 'c2']);
  });
});
