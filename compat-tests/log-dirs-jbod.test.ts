/**
 * JBOD (issue #10): one node with two log.dirs, the same assertions against Apache Kafka 4.3.1
 * (when its jars are cached; skipped otherwise, a failure under CI=true) and a Tributary node
 * process, through unmodified clients only:
 *
 * - kafkajs produces to a topic of 4 partitions; `kafka-log-dirs --describe` lists both absolute
 *   log dirs, every partition in exactly one of them with its size (the partitions are spread:
 *   each dir holds some), nothing future;
 * - `kafka-reassign-partitions --execute` with a "log_dirs" entry (AlterReplicaLogDirs) moves
 *   partition 0 to the other dir while a producer keeps writing to it; `--verify` reports the
 *   replica's move completed (polled, bounded); `kafka-log-dirs` then shows it in the new dir
 *   only, and the partition's directory is there on disk (and gone from the old dir);
 * - every record, those written before and during the move, is read back by a kafkajs consumer.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Kafka } from 'kafkajs';
import { BrokerProcess } from './support/broker-process.js';
import { KafkaProcess } from '../src/compat/jvm/kafka-process.js';
import type { KafkaTool } from '../src/compat/clients/kafka-cli.js';
import { uniqueTopic, waitFor, type RunResult } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';
import { kafkaToolsOrSkip, kafkaUnavailable, runKafkaTool } from './support/kafka-tools.js';

interface JbodNode {
  readonly product: string;
  readonly bootstrap: string;
  readonly logDirs: readonly string[];
  cleanup(): Promise<void>;
}

interface Target {
  readonly name: string;
  unavailable(): string | null;
  start(): Promise<JbodNode>;
}

const KAFKA: Target = {
  name: 'Apache Kafka 4.3.1',
  unavailable: kafkaUnavailable,
  async start() {
    const kafka = await KafkaProcess.start({ logDirCount: 2, heap: '512m' });
    return { product: kafka.product, bootstrap: kafka.bootstrap, logDirs: kafka.logDirs, cleanup: () => kafka.cleanup() };
  },
};

const TRIBUTARY: Target = {
  name: 'Tributary',
  unavailable: () => null,
  async start() {
    const home = mkdtempSync(path.join(tmpdir(), 'tributary-jbod-'));
    const logDirs = [path.join(home, 'data'), path.join(home, 'data-2')];
    const node = await BrokerProcess.start({ logDir: home, overrides: { 'log.dirs': logDirs.join(',') } });
    return {
      product: node.product,
      bootstrap: node.bootstrap,
      logDirs,
      cleanup: async () => {
        await node.stop();
        rmSync(home, { recursive: true, force: true });
      },
    };
  },
};

/** kafka-log-dirs --describe's JSON line. */
interface LogDirsJson {
  brokers: { broker: number; logDirs: { logDir: string; error: string | null; partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[] }[] }[];
}

for (const target of [KAFKA, TRIBUTARY]) defineJbodRun(target);

function defineJbodRun(target: Target): void {
  describe(`JBOD: Kafka's log-dir tools against one ${target.name} node with two log.dirs`, function () {
    this.timeout(180_000);
    let node: JbodNode | undefined;
    let classpath = '';
    let kafka: Kafka;
    const topic = uniqueTopic('jbod');
    const tool = (name: KafkaTool, args: readonly string[]): Promise<RunResult> => runKafkaTool(classpath, name, args);

    before(async function () {
      this.timeout(240_000);
      classpath = kafkaToolsOrSkip(this, target.unavailable());
      node = await target.start();
      kafka = makeKafka(node.bootstrap, 'jbod').kafka;
    });

    after(async function () {
      this.timeout(120_000);
      await node?.cleanup();
    });

    const describeDirs = async (): Promise<LogDirsJson> => {
      const r = await tool('kafka-log-dirs', ['--bootstrap-server', node!.bootstrap, '--describe', '--topic-list', topic]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{')) ?? '{}') as LogDirsJson;
    };
    /** `<partition>` → the dirs holding it (`<dir> future` for a future log). */
    const placement = (j: LogDirsJson): Map<string, string[]> => {
      const m = new Map<string, string[]>();
      for (const d of j.brokers[0]?.logDirs ?? []) {
        for (const p of d.partitions) m.set(p.partition, [...(m.get(p.partition) ?? []), `${d.logDir}${p.isFuture ? ' future' : ''}`]);
      }
      return m;
    };

    it('kafka-log-dirs --describe lists both dirs, each partition in one of them, spread over both', async () => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic, messages: Array.from({ length: 100 }, (_, j) => ({ value: `before-${i}-${j}`, partition: 0 })) });
      }
      await producer.disconnect();
      const j = await describeDirs();
      const dirs = j.brokers[0]?.logDirs ?? [];
      assert.deepEqual(dirs.map((d) => d.logDir).sort(), node!.logDirs.map((d) => path.resolve(d)).sort());
      assert.ok(dirs.every((d) => d.error === null));
      const where = placement(j);
      assert.deepEqual([...where.keys()].sort(), [0, 1, 2, 3].map((p) => `${topic}-${p}`));
      for (const [p, at] of where) assert.equal(at.length, 1, `${p} in one dir: ${at.join(', ')}`);
      assert.ok(dirs.every((d) => d.partitions.length > 0), `partitions spread over both dirs: ${JSON.stringify(j)}`);
      const p0 = dirs.flatMap((d) => d.partitions).find((p) => p.partition === `${topic}-0`);
      assert.ok((p0?.size ?? 0) > 10_000, `partition 0's size: ${JSON.stringify(p0)}`);
    });

    it('kafka-reassign-partitions with log_dirs moves a partition to the other dir while it is written; --verify completes; every record is read back', async () => {
      const before = placement(await describeDirs()).get(`${topic}-0`)?.[0] ?? '';
      const target = node!.logDirs.map((d) => path.resolve(d)).find((d) => d !== before)!;
      const work = mkdtempSync(path.join(tmpdir(), 'tributary-jbod-json-'));
      const file = path.join(work, 'move.json');
      writeFileSync(file, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [1], log_dirs: [target] }] }));

      // A producer keeps writing to the partition through the move.
      const producer = kafka.producer();
      await producer.connect();
      let during = 0;
      let stop = false;
      const writing = (async () => {
        while (!stop) {
          await producer.send({ topic, messages: Array.from({ length: 20 }, (_, j) => ({ value: `during-${during}-${j}`, partition: 0 })) });
          during++;
        }
      })();
      try {
        const exec = await tool('kafka-reassign-partitions', ['--bootstrap-server', node!.bootstrap, '--reassignment-json-file', file, '--execute']);
        assert.equal(exec.code, 0, exec.stdout + exec.stderr);
        assert.match(exec.stdout, new RegExp(`Successfully started moving log directory to ${target} for replica ${topic}-0 with broker 1`));
        let verify: RunResult | undefined;
        await waitFor('--verify reports the replica move completed', async () => {
          verify = await tool('kafka-reassign-partitions', ['--bootstrap-server', node!.bootstrap, '--reassignment-json-file', file, '--verify']);
          return verify.code === 0 && verify.stdout.includes(`Reassignment of replica ${topic}-0-1 completed successfully.`);
        }, 90_000, 500);
        assert.match(verify?.stdout ?? '', new RegExp(`Reassignment of partition ${topic}-0 is completed`));
      } finally {
        stop = true;
        await writing;
        await producer.disconnect();
        rmSync(work, { recursive: true, force: true });
      }
      assert.ok(during > 0, 'records were written during the move');

      assert.deepEqual(placement(await describeDirs()).get(`${topic}-0`), [target], 'kafka-log-dirs shows the replica in the new dir only');
      assert.equal(existsSync(path.join(target, `${topic}-0`, '00000000000000000000.log')), true, 'the partition\'s first segment is in the target log dir');
      // The old copy is renamed `-delete` at the swap (Kafka removes it file.delete.delay.ms later).
      await waitFor('the partition dir gone from the first dir', async () => !existsSync(path.join(before, `${topic}-0`)), 90_000, 500);

      const consumer = kafka.consumer({ groupId: uniqueTopic('jbod-reader') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const values: string[] = [];
      const expected = 1000 + during * 20;
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`read ${values.length} of ${expected} records in 60 s`)), 60_000);
        consumer.run({ eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length === expected) {
            clearTimeout(timer);
            done();
          }
        } }).catch(fail);
      });
      await consumer.disconnect();
      const want = [
        ...Array.from({ length: 1000 }, (_, k) => `before-${Math.floor(k / 100)}-${k % 100}`),
        ...Array.from({ length: during * 20 }, (_, k) => `during-${Math.floor(k / 20)}-${k % 20}`),
      ];
      assert.deepEqual(values, want, 'every record, in order, once');
    });
  });
}
