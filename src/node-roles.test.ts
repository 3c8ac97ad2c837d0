import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { InProcessCluster } from './testing/in-process-cluster.js';
import { waitFor } from './compat/wait.js';

/** Polls `check` (bounded, 30 s) until it returns a value: compat's waitFor. */
const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => waitFor(what, check, timeoutMs, 100);

const FAST_SESSIONS = { 'broker.session.timeout.ms': '2000', 'broker.heartbeat.interval.ms': '250' };
/**
 * Observer brokers learn of a new active controller only after controller.quorum.fetch.timeout.ms
 * (2 s) without an answer from the old one, as Kafka's do: their sessions must outlast that
 * (Kafka's default is 9 s) or a controller failover fences live brokers.
 */
const OBSERVER_SESSIONS = { 'broker.session.timeout.ms': '6000', 'broker.heartbeat.interval.ms': '500' };

/** The brokers the cluster describes, once `expected` of them are. */
async function describedBrokers(admin: Admin, expected: number): Promise<number[]> {
  return until(`${expected} brokers described`, async () => {
    const ids = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort();
    return ids.length === expected ? ids : undefined;
  });
}

/**
 * Creates a topic and waits (bounded) until the broker asked knows every partition's leader: a
 * broker learns of the topic as it follows the metadata log, so right after CreateTopics returns
 * one that has not caught up answers UNKNOWN_TOPIC_OR_PARTITION (as Kafka's brokers do).
 */
async function createTopic(admin: Admin, topic: string, numPartitions: number, replicationFactor: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: false });
  await until(`${topic}'s leaders known`, async () => {
    const ps = await admin.fetchTopicMetadata({ topics: [topic] }).then((m) => m.topics[0]?.partitions ?? [], () => []);
    return ps.length === numPartitions && ps.every((p) => p.leader >= 0) ? true : undefined;
  });
}

/** Writes `count` keyed records acks=all (idempotent) and reads them all back from the beginning. */
async function writeAndReadBack(kafka: Kafka, topic: string, count: number, from = 0): Promise<string[]> {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    for (let i = from; i < from + count; i++) await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
  } finally {
    await producer.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${from}`, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });
    await until(`${from + count} records read`, async () => (seen.length >= from + count ? true : undefined), 60_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe('process.roles: controller-only and broker-only nodes in one cluster', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('a controller-only voter beside two combined nodes: it is no broker (no replicas, not described), and the quorum keeps its majority with it when a combined node stops', async () => {
    cluster = await InProcessCluster.start({ nodes: 3, roles: (id) => (id === 3 ? 'controller' : 'broker,controller'), config: FAST_SESSIONS });
    const kafka = new Kafka({ clientId: 'roles-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.deepEqual(await describedBrokers(admin, 2), [1, 2], 'the controller-only node is not a broker');
      await admin.createTopics({ topics: [{ topic: 'mixed', numPartitions: 4, replicationFactor: 2 }], waitForLeaders: true });
      const partitions = await until('every broker knows the topic', async () => (await admin.fetchTopicMetadata({ topics: ['mixed'] })).topics[0]?.partitions);
      for (const p of partitions) assert.deepEqual([...p.replicas].sort(), [1, 2], `partition ${p.partitionId} is placed on brokers only`);
      assert.equal((await writeAndReadBack(kafka, 'mixed', 20)).length, 20);
      // The controller-only node holds the metadata log and no topic partition.
      assert.equal(cluster.node(3)?.roles.join(','), 'controller');
      const dirs = readdirSync(join(cluster.root, 'node-3'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
      assert.deepEqual(dirs, ['__cluster_metadata-0']);
      // With node 1 stopped the quorum (2 of 3 voters) still has a majority: a leader among 2 and 3.
      await cluster.stopNode(1);
      await admin.createTopics({ topics: [{ topic: 'after-stop', numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      const meta = await until('the new topic has a leader', async () => (await admin.fetchTopicMetadata({ topics: ['after-stop'] })).topics[0]?.partitions[0]);
      assert.equal(meta.leader, 2, 'the only live broker leads it');
    } finally {
      await admin.disconnect();
    }
  });
  it('three broker-only observers and three controller-only voters: replicated writes survive the loss of the active controller and of a broker', async () => {
    cluster = await InProcessCluster.start({ nodes: 6, roles: (id) => (id <= 3 ? 'broker' : 'controller'), config: OBSERVER_SESSIONS });
    const c = cluster;
    const kafka = new Kafka({ clientId: 'roles-test', brokers: c.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      assert.deepEqual(await describedBrokers(admin, 3), [1, 2, 3], 'only the brokers are described');
      await createTopic(admin, 'split', 3, 3);
      assert.equal((await writeAndReadBack(kafka, 'split', 20)).length, 20);
      // The active controller goes: another voter takes over and metadata changes go on.
      const active = c.node(4)?.quorumLeader();
      assert.ok(active !== undefined && active >= 4, `a controller-only node is the active controller (got ${String(active)})`);
      await c.halt(active);
      await createTopic(admin, 'after-controller-loss', 2, 3);
      // A broker goes: its leaderships move to in-sync replicas on the other brokers.
      await c.halt(1);
      await until('no partition led by broker 1', async () => {
        const ps = (await admin.fetchTopicMetadata({ topics: ['split'] })).topics[0]?.partitions ?? [];
        return ps.length === 3 && ps.every((p) => p.leader !== 1 && p.leader >= 0) ? true : undefined;
      });
      assert.equal((await writeAndReadBack(kafka, 'split', 20, 20)).length, 40);
    } finally {
      await admin.disconnect();
    }
  });
});
