/**
 * Separate process roles (issue #10): three broker-only nodes (1-3, observers of the metadata
 * quorum) and one controller-only node (4, the quorum's only voter), the same assertions for
 * Apache Kafka 4.3.1 (four JVMs on 127.0.0.1-4, when its jars are cached; skipped otherwise, a
 * failure under CI=true) and Tributary (`startCluster({ nodes: 3, controllers: 1 })`).
 *
 * - kafka-metadata-quorum describe --status through a broker: node 4 leads, it is the one voter,
 *   the three brokers are the observers; --replication lists the leader and three observers with
 *   their log end offsets.
 * - kafkajs: the cluster describes brokers 1-3 only (the controller is no broker); a topic with
 *   replication factor 3 takes acks=all writes that are all read back, also after its leader
 *   broker is killed (the controller moves leadership to an in-sync observer broker).
 */
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { startCluster } from '../src/index.js';
import { KafkaCluster } from '../src/compat/jvm/kafka-cluster.js';
import type { KafkaTool } from '../src/compat/clients/kafka-cli.js';
import { uniqueTopic, waitFor, type RunResult } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';
import { freePortOnAllAddresses, kafkaToolsOrSkip, kafkaUnavailable, runKafkaTool } from './support/kafka-tools.js';

const BROKERS = [1, 2, 3];
const CONTROLLER = 4;

interface RolesCluster {
  /** Broker id → its listener. */
  readonly bootstrap: readonly string[];
  killBroker(id: number): Promise<void>;
  cleanup(): Promise<void>;
}

interface Target {
  readonly name: string;
  unavailable(): string | null;
  start(): Promise<RolesCluster>;
}


const KAFKA: Target = {
  name: 'Apache Kafka 4.3.1',
  unavailable: kafkaUnavailable,
  async start() {
    const cluster = await KafkaCluster.start({
      nodes: [...BROKERS.map((i) => ({ host: `127.0.0.${i}`, roles: 'broker' as const })), { host: `127.0.0.${CONTROLLER}`, roles: 'controller' as const }],
      port: await freePortOnAllAddresses(),
      controllerPort: await freePortOnAllAddresses(),
      heap: '384m',
      overrides: { 'offsets.topic.replication.factor': '3', 'broker.session.timeout.ms': '6000', 'broker.heartbeat.interval.ms': '1000' },
    });
    return {
      bootstrap: BROKERS.map((i) => cluster.node(i).bootstrap),
      killBroker: async (id) => void (await cluster.node(id).kill()),
      cleanup: () => cluster.cleanup(),
    };
  },
};

const TRIBUTARY: Target = {
  name: 'Tributary',
  unavailable: () => null,
  async start() {
    const cluster = await startCluster({ nodes: 3, controllers: 1, config: { 'broker.session.timeout.ms': '6000', 'broker.heartbeat.interval.ms': '1000' } });
    return {
      bootstrap: BROKERS.map((i) => cluster.node(i).bootstrap),
      killBroker: async (id) => void (await cluster.node(id).kill()),
      cleanup: () => cluster.stop(),
    };
  },
};

for (const target of [KAFKA, TRIBUTARY]) defineRolesRun(target);

function defineRolesRun(target: Target): void {
  describe(`three broker-only nodes and a controller-only node, ${target.name}`, function () {
    this.timeout(240_000);
    let cluster: RolesCluster | undefined;
    let classpath = '';
    let admin: Admin | undefined;
    const tool = (name: KafkaTool, args: readonly string[]): Promise<RunResult> => runKafkaTool(classpath, name, args);
    const bootstrapOf = (id: number): string => cluster?.bootstrap[id - 1] ?? '';

    before(async function () {
      this.timeout(300_000);
      classpath = kafkaToolsOrSkip(this, target.unavailable());
      cluster = await target.start();
      admin = makeKafka(bootstrapOf(2), 'cluster-roles').kafka.admin();
      await admin.connect();
    });

    after(async function () {
      this.timeout(120_000);
      await admin?.disconnect();
      await cluster?.cleanup();
    });

    it('kafka-metadata-quorum describe: the controller leads and is the one voter; the brokers are observers', async () => {
      // The brokers' observer fetches reach the leader moments after they start.
      const status = await waitFor('three observers', async () => {
        const r = await tool('kafka-metadata-quorum', ['--bootstrap-server', bootstrapOf(1), 'describe', '--status']);
        assert.equal(r.code, 0, r.stderr);
        const field = (name: string): string => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
        const observers = (JSON.parse(field('CurrentObservers') || '[]') as { id: number }[]).map((o) => o.id).sort();
        return observers.join() === BROKERS.join() ? r.stdout : undefined;
      }, 60_000, 1_000);
      const field = (name: string): string => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(status)?.[1] ?? '';
      assert.equal(Number(field('LeaderId')), CONTROLLER, status);
      assert.deepEqual((JSON.parse(field('CurrentVoters')) as { id: number }[]).map((v) => v.id), [CONTROLLER], status);
      assert.ok(Number(field('HighWatermark')) > 0, status);

      const r = await tool('kafka-metadata-quorum', ['--bootstrap-server', bootstrapOf(3), 'describe', '--replication']);
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split('\t').map((c) => c.trim()));
      assert.deepEqual(rows.map((c) => `${c[0]}:${c[6]}`).sort(), ['1:Observer', '2:Observer', '3:Observer', `${CONTROLLER}:Leader`], r.stdout);
      for (const c of rows) assert.ok(Number(c[2]) > 0, `log end offset: ${r.stdout}`);
    });

    it('clients see brokers 1-3 only; replicated acks=all writes are read back, also after a broker is killed', async () => {
      const a = admin as Admin;
      const c = cluster as RolesCluster;
      const brokers = await waitFor('three brokers described', async () => {
        const ids = (await a.describeCluster()).brokers.map((b) => b.nodeId).sort();
        return ids.length === 3 ? ids : undefined;
      }, 30_000);
      assert.deepEqual(brokers, BROKERS, 'the controller-only node is no broker');
      const topic = uniqueTopic('roles');
      await a.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
      const { kafka } = makeKafka(c.bootstrap.join(','), 'roles-client');
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      try {
        for (let i = 0; i < 30; i++) await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: `before-${i}` }] });
        const led = (await a.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions[0]?.leader ?? 1;
        await c.killBroker(led);
        for (let i = 0; i < 30; i++) await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: `after-${i}` }] });
      } finally {
        await producer.disconnect();
      }
      const consumer = kafka.consumer({ groupId: `${topic}-reader`, sessionTimeout: 10_000, heartbeatInterval: 500 });
      const seen = new Set<string>();
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({ eachMessage: async ({ message }) => void seen.add(String(message.value)) });
        await waitFor('all 60 acknowledged records read back', () => seen.size === 60, 90_000, 250);
      } finally {
        await consumer.disconnect();
      }
      for (let i = 0; i < 30; i++) assert.ok(seen.has(`before-${i}`) && seen.has(`after-${i}`), `record ${i} read back`);
    });
  });
}
