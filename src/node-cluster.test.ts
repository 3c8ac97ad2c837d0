import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { InProcessCluster } from './testing/in-process-cluster.js';
import { waitFor } from './compat/wait.js';

/** Polls `check` (bounded, 30 s) until it returns a value: compat's waitFor. */
const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => waitFor(what, check, timeoutMs, 100);


describe('a 3-node cluster in one process (metadata quorum, registration, replication)', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('forms: every broker is registered, a topic with replication factor 3 has all three in its ISR, acks=all writes are read back', async () => {
    cluster = await InProcessCluster.start({ nodes: 3 });
    const kafka = new Kafka({ clientId: 'cluster-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // Every node is unfenced; the answering node may learn of the others' unfencing a moment later.
      const brokers = await until('all three brokers described', async () => {
        const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort();
        return ids.length === 3 ? ids : undefined;
      });
      assert.deepEqual(brokers, [1, 2, 3]);
      await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
      // Brokers learn of a new topic as they follow the metadata log (as Kafka's): until all do, one may answer UNKNOWN_TOPIC_OR_PARTITION.
      const partitions = await until('every broker knows the topic', async () => (await admin.fetchTopicMetadata({ topics: ['replicated'] })).topics[0]?.partitions);
      assert.equal(partitions.length, 3);
      for (const p of partitions) assert.deepEqual([...p.replicas].sort(), [1, 2, 3]);
      assert.deepEqual(new Set(partitions.map((p) => p.leader)), new Set([1, 2, 3]), 'leaders spread over the brokers');
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      for (let i = 0; i < 30; i++) await producer.send({ topic: 'replicated', acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
      await producer.disconnect();
      const after = await until('all three replicas in every ISR', async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['replicated'] });
        const ps = m.topics[0]?.partitions ?? [];
        return ps.every((p) => p.isr.length === 3) ? ps : undefined;
      });
      assert.equal(after.length, 3);
      const offsets = await admin.fetchTopicOffsets('replicated');
      assert.equal(offsets.reduce((n, o) => n + Number(o.high), 0), 30);
    } finally {
      await admin.disconnect();
    }
  });

  it('a leader that stops: its partitions get new leaders from the ISR, the group reads on through the coordinator move, no acknowledged write is lost', async () => {
    cluster = await InProcessCluster.start({ nodes: 3, config: { 'broker.session.timeout.ms': '2000', 'broker.heartbeat.interval.ms': '250' } });
    const kafka = new Kafka({ clientId: 'cluster-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: 'failover-reader', sessionTimeout: 10_000, heartbeatInterval: 500 });
    try {
      await admin.createTopics({ topics: [{ topic: 'failover', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
      // The group (and __consumer_offsets, replicated 3 ways) exists before any node stops.
      const seen: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'failover', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
      await producer.connect();
      for (let i = 0; i < 20; i++) await producer.send({ topic: 'failover', acks: -1, messages: [{ value: `before-${i}` }] });
      await until('the first 20 records read', async () => (seen.length >= 20 ? true : undefined));
      const leader = (await admin.fetchTopicMetadata({ topics: ['failover'] })).topics[0]?.partitions[0]?.leader as number;
      await cluster.halt(leader);
      for (let i = 0; i < 20; i++) await producer.send({ topic: 'failover', acks: -1, messages: [{ value: `after-${i}` }] });
      const moved = (await admin.fetchTopicMetadata({ topics: ['failover'] })).topics[0]?.partitions[0];
      assert.notEqual(moved?.leader, leader);
      assert.equal(moved?.isr.includes(leader), false, 'the stopped broker left the ISR');
      await until('all 40 records read', async () => (seen.length >= 40 ? true : undefined));
      assert.deepEqual(seen, [...Array.from({ length: 20 }, (_, i) => `before-${i}`), ...Array.from({ length: 20 }, (_, i) => `after-${i}`)]);
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect();
    }
  });
});
