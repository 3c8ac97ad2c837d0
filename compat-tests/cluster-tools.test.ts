/**
 * Kafka's own cluster-operation CLI tools against a three-node cluster (issue #10), the same
 * assertions for each target: Apache Kafka 4.3.1 (three JVMs on 127.0.0.1-3, when its jars are in
 * the cache; skipped otherwise, a failure under CI=true) and Tributary (startCluster).
 *
 * - kafka-metadata-quorum describe --status / --replication, asked of every node: one leader, its
 *   epoch and high watermark, the three voters with their controller endpoints, no observers
 *   (combined mode), every voter's log end offset and recent fetch / caught-up timestamps.
 * - kafka-leader-election: after node 1 was killed and came back into the ISR, a PREFERRED
 *   election over all partitions gives it back its leadership; asked again, "Valid replica already
 *   elected"; UNCLEAN on a led partition needs no election; an unknown topic fails (exit 1).
 * - kafka-reassign-partitions: --execute --throttle moves a partition from [1,2] to [2,3] and sets
 *   the throttle configs (kafka-configs --describe: the rates on the brokers, the leader throttle on
 *   the old replicas, the follower throttle on the new one); --verify reports it completed and
 *   clears them (IncrementalAlterConfigs deletes; kafka-configs shows none); node 1's replica
 *   log is gone (kafka-log-dirs); records written before the move are read from node 3 alone
 *   afterwards (node 2 killed; partition assigned, no group). With the new replica down, the
 *   reassignment stays in progress (--verify, --list) and --cancel reverts it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Admin } from 'kafkajs';
import { startCluster, type RunningCluster } from '../src/index.js';
import { KafkaCluster } from '../src/compat/jvm/kafka-cluster.js';
import type { KafkaTool } from '../src/compat/clients/kafka-cli.js';
import { uniqueTopic, waitFor, type RunResult } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';
import { freePortOnAllAddresses, kafkaToolsOrSkip, kafkaUnavailable, runKafkaTool } from './support/kafka-tools.js';

const NODES = [1, 2, 3] as const;

interface ToolCluster {
  readonly product: string;
  /** Node id → its broker listener. */
  readonly bootstrap: readonly string[];
  /** kill -9. */
  killNode(id: number): Promise<void>;
  restartNode(id: number): Promise<void>;
  cleanup(): Promise<void>;
}

interface Target {
  readonly name: string;
  /** Why it cannot run here (a failure under CI=true), or null. */
  unavailable(): string | null;
  start(): Promise<ToolCluster>;
}


const KAFKA: Target = {
  name: 'Apache Kafka 4.3.1',
  unavailable: kafkaUnavailable,
  async start() {
    const cluster = await KafkaCluster.start({
      nodes: NODES.map((i) => ({ host: `127.0.0.${i}` })),
      port: await freePortOnAllAddresses(),
      controllerPort: await freePortOnAllAddresses(),
      heap: '384m',
      // No automatic rebalancing behind the test's back (Kafka checks every 5 minutes).
      overrides: { 'auto.leader.rebalance.enable': 'false', 'offsets.topic.replication.factor': '3' },
    });
    return {
      product: cluster.product,
      bootstrap: cluster.bootstrap,
      killNode: async (id) => void (await cluster.node(id).kill()),
      restartNode: (id) => cluster.node(id).restart(),
      cleanup: () => cluster.cleanup(),
    };
  },
};

const TRIBUTARY: Target = {
  name: 'Tributary',
  unavailable: () => null,
  async start() {
    const cluster: RunningCluster = await startCluster({ nodes: 3 });
    return {
      product: 'Tributary',
      bootstrap: cluster.nodes.map((n) => n.bootstrap),
      killNode: async (id) => void (await cluster.node(id).kill()),
      restartNode: (id) => cluster.node(id).restart(),
      cleanup: () => cluster.stop(),
    };
  },
};


for (const target of [KAFKA, TRIBUTARY]) defineToolRun(target);

function defineToolRun(target: Target): void {
  describe(`Kafka's cluster tools against three ${target.name} nodes`, function () {
    this.timeout(240_000);
    let cluster: ToolCluster | undefined;
    let classpath = '';
    let admin: Admin | undefined;

    const tool = (name: KafkaTool, args: readonly string[]): Promise<RunResult> => runKafkaTool(classpath, name, args);
    const bootstrapOf = (id: number): string => cluster?.bootstrap[id - 1] ?? '';

    before(async function () {
      this.timeout(300_000);
      classpath = kafkaToolsOrSkip(this, target.unavailable());
      cluster = await target.start();
      admin = makeKafka(cluster.bootstrap[1] ?? '', 'cluster-tools').kafka.admin();
      await admin.connect();
    });

    after(async function () {
      this.timeout(120_000);
      await admin?.disconnect();
      await cluster?.cleanup();
    });

    it('kafka-metadata-quorum describe --status, from every node: a leader, its epoch, the three voters with their controller endpoints, no observers', async () => {
      for (const id of NODES) {
        const r = await tool('kafka-metadata-quorum', ['--bootstrap-server', bootstrapOf(id), 'describe', '--status']);
        assert.equal(r.code, 0, `node ${id}: ${r.stderr}`);
        const field = (name: string): string => new RegExp(`^${name}:\\s+(.*)$`, 'm').exec(r.stdout)?.[1] ?? '';
        assert.ok(NODES.includes(Number(field('LeaderId')) as 1), r.stdout);
        assert.ok(Number(field('LeaderEpoch')) >= 1, r.stdout);
        assert.ok(Number(field('HighWatermark')) > 0, r.stdout);
        const voters = JSON.parse(field('CurrentVoters')) as { id: number; endpoints?: string[] }[];
        assert.deepEqual(voters.map((v) => v.id), [1, 2, 3], r.stdout);
        for (const v of voters) assert.match(v.endpoints?.[0] ?? '', /^CONTROLLER:\/\/127\.0\.0\.\d+:\d+$/, r.stdout);
        assert.equal(field('CurrentObservers'), '[]', 'combined mode: every broker is a voter');
      }
    });

    it('kafka-metadata-quorum describe --replication: every voter, one leader, log end offsets and recent fetch times', async () => {
      const r = await tool('kafka-metadata-quorum', ['--bootstrap-server', bootstrapOf(2), 'describe', '--replication']);
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split('\t').map((c) => c.trim()));
      assert.deepEqual(rows.map((c) => Number(c[0])).sort(), [1, 2, 3], r.stdout);
      assert.deepEqual(rows.map((c) => c[6]).sort(), ['Follower', 'Follower', 'Leader'], r.stdout);
      const now = Date.now();
      for (const c of rows) {
        assert.ok(Number(c[2]) > 0, `log end offset: ${r.stdout}`);
        for (const ts of [Number(c[4]), Number(c[5])]) assert.ok(ts > now - 120_000 && ts <= now + 5_000, `fetch / caught-up timestamps are recent: ${r.stdout}`);
      }
    });

    it('kafka-leader-election: PREFERRED over all partitions moves leadership back to the first replica; Kafka\'s messages and exit codes', async () => {
      const c = cluster as ToolCluster;
      const a = admin as Admin;
      const topic = uniqueTopic('elect');
      const created = await tool('kafka-topics', ['--bootstrap-server', bootstrapOf(2), '--create', '--topic', topic, '--replica-assignment', '1:2,2:3']);
      assert.equal(created.code, 0, created.stderr);
      const partition0 = async () => (await a.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.find((p) => p.partitionId === 0);
      await waitFor(`${topic}-0 led by 1 with 2 in sync`, async () => (await partition0())?.isr.length === 2 && (await partition0())?.leader === 1, 60_000);
      await c.killNode(1);
      await waitFor(`${topic}-0 led by 2`, async () => (await partition0())?.leader === 2, 60_000, 500);
      await c.restartNode(1);
      await waitFor(`node 1 back in ${topic}-0's ISR`, async () => (await partition0())?.isr.includes(1), 90_000, 500);
      assert.equal((await partition0())?.leader, 2, 'nothing moved leadership back on its own');

      const all = await tool('kafka-leader-election', ['--bootstrap-server', bootstrapOf(3), '--election-type', 'PREFERRED', '--all-topic-partitions']);
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, new RegExp(`^Successfully completed leader election \\(PREFERRED\\) for partitions .*\\b${topic}-0\\b`, 'm'));
      assert.doesNotMatch(all.stdout, new RegExp(`${topic}-1`), 'a partition led by its preferred replica is not listed');
      await waitFor(`${topic}-0 led by 1 again`, async () => (await partition0())?.leader === 1, 30_000);

      const again = await tool('kafka-leader-election', ['--bootstrap-server', bootstrapOf(2), '--election-type', 'PREFERRED', '--topic', topic, '--partition', '0']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`^Valid replica already elected for partitions ${topic}-0$`, 'm'));
      const unclean = await tool('kafka-leader-election', ['--bootstrap-server', bootstrapOf(1), '--election-type', 'UNCLEAN', '--topic', topic, '--partition', '1']);
      assert.equal(unclean.code, 0, unclean.stderr);
      assert.match(unclean.stdout, new RegExp(`^Valid replica already elected for partitions ${topic}-1$`, 'm'));
      const unknown = await tool('kafka-leader-election', ['--bootstrap-server', bootstrapOf(1), '--election-type', 'PREFERRED', '--topic', `${topic}-none`, '--partition', '0']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stdout, new RegExp(`Error completing leader election \\(PREFERRED\\) for partition: ${topic}-none-0: org\\.apache\\.kafka\\.common\\.errors\\.UnknownTopicOrPartitionException`));
    });
    /** The throttle keys kafka-configs --describe shows set on each broker and on `topic` (`key=value`, sorted). */
    const throttleConfigs = async (topic: string): Promise<{ brokers: string[][]; topic: string[] }> => {
      const throttleKeys = async (args: readonly string[]): Promise<string[]> => {
        const r = await tool('kafka-configs', ['--bootstrap-server', bootstrapOf(1), '--describe', ...args]);
        assert.equal(r.code, 0, r.stderr);
        return [...r.stdout.matchAll(/^\s*((?:leader|follower)\.replication\.throttled\.\w+=\S+) /gm)].map((m) => m[1] as string).sort();
      };
      const brokers: string[][] = [];
      for (const id of NODES) brokers.push(await throttleKeys(['--entity-type', 'brokers', '--entity-name', String(id)]));
      return { brokers, topic: await throttleKeys(['--entity-type', 'topics', '--entity-name', topic]) };
    };
    it('kafka-reassign-partitions --execute --throttle then --verify moves a partition from [1,2] to [2,3]; the throttle configs are set, then cleared; its records are read from the new replica', async () => {
      const c = cluster as ToolCluster;
      const a = admin as Admin;
      const topic = uniqueTopic('reassign');
      const created = await tool('kafka-topics', ['--bootstrap-server', bootstrapOf(2), '--create', '--topic', topic, '--replica-assignment', '1:2']);
      assert.equal(created.code, 0, created.stderr);
      const partition0 = async () => (await a.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.find((p) => p.partitionId === 0);
      await waitFor(`${topic}-0 on [1,2], both in sync`, async () => (await partition0())?.isr.length === 2, 60_000);
      const producer = makeKafka(bootstrapOf(2), 'reassign-producer').kafka.producer();
      await producer.connect();
      const values = Array.from({ length: 20 }, (_, i) => `before-move-${i}`);
      try {
        await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
      } finally {
        await producer.disconnect();
      }

      const dir = mkdtempSync(path.join(tmpdir(), 'reassign-'));
      try {
        const plan = path.join(dir, 'plan.json');
        writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [2, 3] }] }));
        // 10 MB/s: these few records move at once; that the rate is enforced is node-replication-throttle.test.ts's.
        const execute = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(3), '--reassignment-json-file', plan, '--execute', '--throttle', '10000000']);
        assert.equal(execute.code, 0, execute.stderr);
        assert.match(execute.stdout, new RegExp(`Current partition replica assignment[\\s\\S]*"replicas":\\[1,2\\]`));
        assert.match(execute.stdout, /Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed\./);
        assert.match(execute.stdout, /The inter-broker throttle limit was set to 10000000 B\/s/);
        assert.match(execute.stdout, new RegExp(`Successfully started partition reassignment for ${topic}-0`));
        const throttles = await throttleConfigs(topic);
        assert.deepEqual(throttles.brokers, NODES.map(() => ['follower.replication.throttled.rate=10000000', 'leader.replication.throttled.rate=10000000']));
        assert.deepEqual(throttles.topic, ['follower.replication.throttled.replicas=0:3', 'leader.replication.throttled.replicas=0:1,0:2']);
        await waitFor(`${topic}-0 on [2,3]`, async () => {
          const p = await partition0();
          return p !== undefined && [...p.replicas].sort().join() === '2,3' && [...p.isr].sort().join() === '2,3';
        }, 90_000, 500);
        const verify = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(1), '--reassignment-json-file', plan, '--verify']);
        assert.equal(verify.code, 0, verify.stderr);
        assert.match(verify.stdout, new RegExp(`Reassignment of partition ${topic}-0 is completed\\.`));
        assert.match(verify.stdout, /Clearing broker-level throttles on brokers 1,2,3/);
        assert.match(verify.stdout, new RegExp(`Clearing topic-level throttles on topic ${topic}`));
        assert.deepEqual(await throttleConfigs(topic), { brokers: NODES.map(() => []), topic: [] });
        const list = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(2), '--list']);
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /No partition reassignments found\./);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }

      // Node 1 no longer hosts the partition: its replica's log is gone (DescribeLogDirs on node 1).
      await waitFor(`node 1 dropped ${topic}-0`, async () => {
        const dirs = await tool('kafka-log-dirs', ['--bootstrap-server', bootstrapOf(1), '--describe', '--broker-list', '1', '--topic-list', topic]);
        const json = dirs.stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}';
        const brokers = (JSON.parse(json) as { brokers?: { broker: number; logDirs: { partitions: { partition: string }[] }[] }[] }).brokers ?? [];
        return dirs.code === 0 && brokers.length === 1 && brokers.every((b) => b.logDirs.every((d) => d.partitions.length === 0));
      }, 60_000, 1000);

      // Node 3 alone holds the data now: node 2 down, node 3 leads and serves every record.
      await c.killNode(2);
      try {
        await waitFor(`${topic}-0 led by 3`, async () => (await partition0())?.leader === 3, 60_000, 500);
        const consumed = await tool('kafka-console-consumer', ['--bootstrap-server', bootstrapOf(3), '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(values.length), '--timeout-ms', '60000']);
        assert.equal(consumed.code, 0, consumed.stderr);
        assert.deepEqual(consumed.stdout.trim().split('\n'), values, consumed.stderr);
      } finally {
        await c.restartNode(2);
      }
    });
    it('kafka-reassign-partitions --cancel while the new replica is down: the partition goes back to its replicas, nothing left reassigning', async () => {
      const c = cluster as ToolCluster;
      const a = admin as Admin;
      const topic = uniqueTopic('cancel');
      const created = await tool('kafka-topics', ['--bootstrap-server', bootstrapOf(2), '--create', '--topic', topic, '--replica-assignment', '1:2']);
      assert.equal(created.code, 0, created.stderr);
      const partition0 = async () => (await a.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.find((p) => p.partitionId === 0);
      await waitFor(`${topic}-0 on [1,2], both in sync`, async () => (await partition0())?.isr.length === 2, 60_000);
      const dir = mkdtempSync(path.join(tmpdir(), 'reassign-'));
      await c.killNode(3);
      try {
        const plan = path.join(dir, 'plan.json');
        writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [2, 3] }] }));
        const execute = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(1), '--reassignment-json-file', plan, '--execute']);
        assert.equal(execute.code, 0, execute.stderr);
        const verify = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(2), '--reassignment-json-file', plan, '--verify']);
        assert.match(verify.stdout, new RegExp(`Reassignment of partition ${topic}-0 is still in progress\\.`), verify.stderr);
        const listed = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(2), '--list']);
        assert.match(listed.stdout, new RegExp(`${topic}-0: replicas: 2,3,1\\. adding: 3\\. removing: 1\\.`), listed.stdout);
        // Throttles are kept: clearing them sends broker configs to every broker, node 3 included (down).
        const cancel = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(1), '--reassignment-json-file', plan, '--cancel', '--preserve-throttles']);
        assert.equal(cancel.code, 0, cancel.stdout + cancel.stderr);
        assert.match(cancel.stdout, new RegExp(`Successfully cancelled partition reassignment for: ${topic}-0`));
        const after = await tool('kafka-reassign-partitions', ['--bootstrap-server', bootstrapOf(2), '--list']);
        assert.match(after.stdout, /No partition reassignments found\./);
        assert.deepEqual([...((await partition0())?.replicas ?? [])].sort(), [1, 2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await c.restartNode(3);
      }
    });
  });
}
