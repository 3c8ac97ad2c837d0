/**
 * Cluster metadata: the brokers, the controller, the cluster id, and a topic's partitions with
 * leader, replicas and ISR, as each client reports them (kafkajs describeCluster/fetchTopicMetadata,
 * kcat -L, confluent-kafka-python list_topics, kafka-python KafkaAdminClient.describe_cluster/topics).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { assertClusterView } from '../checks.js';
import type { KafkaCliHandle } from '../clients/kafka-cli.js';
import type { PythonHandle } from '../clients/python.js';
import { linesOf, toolOk } from '../kafka-cli-steps.js';
import type { DriverHandle } from '../clients/java.js';
import { assertRanOk } from '../process.js';

const PARTITIONS = 4;

interface KcatMetadata {
  controllerid?: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
}

interface PyMetadata {
  cluster_id: string | null;
  controller_id: number | null;
  brokers: { id: number; host: string; port: number }[];
  topic_error: string | number | null;
  partitions: { id: number; leader: number; replicas: number[]; isrs: number[] }[];
}

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('meta', { partitions: PARTITIONS });
  const [md] = await py.command<PyMetadata>(env, 'metadata', { topic }, 30_000);
  assert.ok(md !== undefined, 'the metadata command printed nothing');
  assert.equal(md.topic_error, null, `metadata error for ${topic}`);
  assertClusterView(env, { clusterId: md.cluster_id, controllerId: md.controller_id, brokers: md.brokers, partitions: md.partitions }, PARTITIONS);
}

/**
 * What a user runs: kafka-broker-api-versions (every broker, its id and address), kafka-topics
 * --describe (the topic's partitions with leader, replicas, ISR) and kafka-cluster cluster-id.
 */
async function kafkaCli(env: CompatEnv, cli: KafkaCliHandle): Promise<void> {
  const topic = await env.createTopic('meta', { partitions: PARTITIONS });
  const bs = ['--bootstrap-server', env.bootstrap];
  // "127.0.0.1:9092 (id: 1 rack: null isFenced: false) -> (" then one "\tMetadata(3): 0 to 12 [usable: 12]," per API.
  const api = await toolOk(env, cli, 'kafka-broker-api-versions', bs, { timeoutMs: 30_000 });
  const brokers = [...api.stdout.matchAll(/^(\S+):(\d+) \(id: (-?\d+) rack: \S+ isFenced: false\) -> \($/gm)]
    .map((m) => ({ id: Number(m[3]), host: m[1] ?? '', port: Number(m[2]) }));
  assert.match(api.stdout, /^\tMetadata\(3\): \d+ to \d+ \[usable: \d+\],?$/m, 'kafka-broker-api-versions lists Metadata as usable');

  const describe = await toolOk(env, cli, 'kafka-topics', [...bs, '--describe', '--topic', topic], { timeoutMs: 30_000 });
  const lines = linesOf(describe);
  assert.match(lines[0] ?? '', new RegExp(`^Topic: ${topic}\tTopicId: \\S+\tPartitionCount: ${PARTITIONS}\tReplicationFactor: \\d+\t`), 'kafka-topics --describe header line');
  const ids = (s: string | undefined): number[] => (s ?? '').split(',').filter((x) => x !== '').map(Number);
  const partitions = lines.slice(1).map((l) => {
    const m = /^\s*Topic: (\S+)\tPartition: (\d+)\tLeader: (-?\d+)\tReplicas: ([\d,]*)\tIsr: ([\d,]*)/.exec(l);
    assert.ok(m !== null && m[1] === topic, `kafka-topics --describe partition line: ${JSON.stringify(l)}`);
    return { id: Number(m[2]), leader: Number(m[3]), replicas: ids(m[4]), isrs: ids(m[5]) };
  });

  const cluster = await toolOk(env, cli, 'kafka-cluster', ['cluster-id', ...bs], { timeoutMs: 30_000 });
  const clusterId = /^Cluster ID: (\S+)$/m.exec(cluster.stdout)?.[1];
  assert.ok(clusterId !== undefined, `kafka-cluster cluster-id printed ${JSON.stringify(cluster.stdout)}`);
  assertClusterView(env, { clusterId, brokers, partitions }, PARTITIONS);
}

export default defineCapability({
  id: 'cluster-metadata',
  title: 'cluster metadata (brokers, controller, partition leaders)',
  order: 10,
  requires: [{ api: ApiKey.Metadata, minVersion: 1 }],
  cells: {
    async kafkajs(env, kjs) {
      const admin = await kjs.session(env).admin();
      const topic = await env.createTopic('meta', { partitions: PARTITIONS });
      const c = await admin.describeCluster();
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      const t = md.topics[0];
      assert.ok(t !== undefined && t.name === topic, `fetchTopicMetadata did not return ${topic}`);
      for (const p of t.partitions) assert.equal(p.partitionErrorCode, 0, `partition ${p.partitionId} error`);
      assertClusterView(env, {
        clusterId: c.clusterId,
        controllerId: c.controller,
        brokers: c.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port })),
        partitions: t.partitions.map((p) => ({ id: p.partitionId, leader: p.leader, replicas: p.replicas, isrs: p.isr })),
      }, PARTITIONS);
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('meta', { partitions: PARTITIONS });
      const r = await kcat.run(env, ['-b', env.bootstrap, '-L', '-J'], { timeoutMs: 30_000 });
      assertRanOk(r);
      const md = JSON.parse(r.stdout) as KcatMetadata;
      const t = md.topics.find((x) => x.topic === topic);
      assert.ok(t !== undefined, `kcat -L does not list ${topic}: ${r.stdout.slice(0, 2000)}`);
      assert.equal(t.error, undefined);
      assertClusterView(env, {
        controllerId: md.controllerid,
        brokers: md.brokers.map((b) => {
          const i = b.name.lastIndexOf(':');
          return { id: b.id, host: b.name.slice(0, i), port: Number(b.name.slice(i + 1)) };
        }),
        partitions: t.partitions.map((p) => ({ id: p.partition, leader: p.leader, replicas: p.replicas.map((x) => x.id), isrs: p.isrs.map((x) => x.id) })),
      }, PARTITIONS);

      // The plain-text form, as people use it.
      const plain = await kcat.run(env, ['-b', env.bootstrap, '-L', '-t', topic], { timeoutMs: 30_000 });
      assertRanOk(plain);
      const broker = env.controlled === undefined ? '\\d+ at \\S+' : `${env.controlled.nodeId} at ${env.bootstrap.replace(/\./g, '\\.')}`;
      assert.match(plain.stdout, new RegExp(`broker ${broker}`));
      assert.match(plain.stdout, new RegExp(`topic "${topic}" with ${PARTITIONS} partitions`));
    },

    'confluent-kafka-python': python,
    'kafka-python': python,
    'kafka-cli': kafkaCli,
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
