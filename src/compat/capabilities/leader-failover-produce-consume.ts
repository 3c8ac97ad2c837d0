/**
 * A cluster row: an idempotent producer (acks=all) and a group consumer keep going while the leader
 * of their partition is killed with SIGKILL mid-stream. Every acknowledged record is consumed exactly
 * once, in order, and the group's committed offset ends at the log end.
 *
 * How it runs: against the 3-node cluster the run starts for this row (needsCluster; the runner's
 * row fixture, runner.ts clusterFor: CLUSTER_BROKER_CONFIG, replication factor 3,
 * min.insync.replicas=2, broker.session.timeout.ms=3000), shared by the row's cells; after each
 * cell the runner starts the killed node again. The topic has one partition (its leader is the node
 * killed); 2,000 records in chunks of 50 with a pause, the kill once a third is acknowledged.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { makeKafkaWith } from '../clients/kafkajs.js';
import type { PythonHandle } from '../clients/python.js';
import { KCAT } from '../clients/kcat.js';
import { assertOnceInOrder, clusterOf, distinctOffsets, FAILOVER_METADATA_MAX_AGE_MS, FAILOVER_RETRY, killLeader } from '../failover-steps.js';
import { GROUP_APIS, KAFKAJS_GROUP_CONSUMER } from '../group-steps.js';
import { parseJsonLines, StreamingProcess } from '../process.js';
import { sleep, waitFor } from '../wait.js';

const N = 2000;
const CHUNK = 50;
const PAUSE_MS = 60;
const VALUES = Array.from({ length: N }, (_, i) => `value-${i}`);

/** The group's committed offset on partition 0 reaches the log end (N: idempotent, no duplicates). */
async function assertCommittedAtEnd(env: CompatEnv, group: string, topic: string): Promise<void> {
  let last = -2;
  await waitFor(`group ${group}'s committed offset at the log end (${N})`, async () => {
    last = (await env.committedOffsets(group, topic)).get(0) ?? -2;
    return last === N;
  }, env.remainingMs(20_000), 200).catch((e: Error) => {
    throw new Error(`${e.message}; last seen ${last}`);
  });
}

async function kafkajsCell(env: CompatEnv, kjs: import('../clients/kafkajs.js').KafkajsHandle): Promise<void> {
  const cluster = clusterOf(env);
  const topic = await env.createTopic('failover', { partitions: 1 });
  const group = env.group('failover');
  const k = makeKafkaWith(kjs.kafkajs, env.bootstrap, 'tributary-compat-failover', FAILOVER_RETRY);
  env.onCleanup(() => {
    if (k.log.length > 0) env.note(`kafkajs log tail:\n${k.log.slice(-20).map((l) => `  ${l}`).join('\n')}`);
  });
  const consumer = k.kafka.consumer({ groupId: group, ...KAFKAJS_GROUP_CONSUMER, retry: FAILOVER_RETRY, metadataMaxAge: FAILOVER_METADATA_MAX_AGE_MS });
  const producer = k.kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: FAILOVER_RETRY, metadataMaxAge: FAILOVER_METADATA_MAX_AGE_MS });
  env.onCleanup(() => consumer.disconnect().catch(() => undefined));
  env.onCleanup(() => producer.disconnect().catch(() => undefined));
  const got: { offset: number; value: string | null }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 500,
    eachMessage: async ({ message }) => {
      got.push({ offset: Number(message.offset), value: message.value?.toString() ?? null });
    },
  });
  await producer.connect();
  let acked = 0;
  let done = false;
  const sending = (async () => {
    for (let s = 0; s < N; s += CHUNK) {
      await producer.send({ topic, acks: -1, messages: VALUES.slice(s, s + CHUNK).map((value) => ({ value, partition: 0 })) });
      acked = s + CHUNK;
      await sleep(PAUSE_MS);
    }
  })().finally(() => {
    done = true;
  });
  sending.catch(() => undefined); // awaited below
  await waitFor('a third of the records acknowledged', () => acked >= N / 3 || done, env.remainingMs(30_000));
  await killLeader(env, cluster, topic);
  await sending;
  await waitFor(`all ${N} records consumed`, () => distinctOffsets(got) >= N, env.remainingMs(), 100).catch((e: Error) => {
    throw new Error(`${e.message} (${got.length} consumed)`);
  });
  await assertCommittedAtEnd(env, group, topic);
  await consumer.disconnect();
  assertOnceInOrder(env, got, VALUES, 'kafkajs group consumer');
}

interface DriverLine {
  readonly type: string;
  readonly key?: string;
  readonly offset?: number;
  readonly value?: string | null;
}

/** confluent-kafka-python (Debian's and PyPI's): the driver's paced `produce` and `group_consume`. */
async function driverCell(env: CompatEnv, py: PythonHandle): Promise<void> {
  const cluster = clusterOf(env);
  const topic = await env.createTopic('failover', { partitions: 1 });
  const group = env.group('failover');
  const budget = Math.floor(env.remainingMs() / 1000) - 10;
  const consumer = py.spawn(env, 'group_consume', { topic, group, expect: N, timeout_s: budget, idle_s: budget, session_timeout_ms: 10_000 });
  await consumer.waitForLine('the consumer\'s assignment', (l) => l.includes('"assign"'), env.remainingMs(30_000));
  const producer = py.spawn(env, 'produce', { topic, count: N, partitions: 1, idempotence: true, chunk: CHUNK, pause_ms: PAUSE_MS, timeout_s: budget });
  const keyAtLeast = (min: number) => (l: string): boolean => Number(/"type": "delivered".*"key": "key-(\d+)"/.exec(l)?.[1] ?? -1) >= min;
  await producer.waitForLine(`${N / 3} records acknowledged`, keyAtLeast(N / 3), env.remainingMs(30_000));
  await killLeader(env, cluster, topic);
  await producer.waitForLine('the producer\'s summary', (l) => l.includes('"summary"'), env.remainingMs());
  const errors = producer.lines.filter((l) => l.line.includes('"delivery_error"')).map((l) => l.line);
  assert.deepEqual(errors.slice(0, 3), [], 'no delivery error');
  const delivered = producer.lines.filter((l) => l.line.includes('"delivered"')).length;
  assert.equal(delivered, N, 'every record acknowledged');
  await consumer.waitForLine('the consumer\'s close', (l) => l.includes('"closed"'), env.remainingMs());
  const lines = parseJsonLines<DriverLine>(consumer.lines.map((l) => l.line).join('\n'));
  const records = lines.filter((l) => l.type === 'record').map((l) => ({ offset: l.offset ?? -1, value: l.value ?? null }));
  await assertCommittedAtEnd(env, group, topic);
  assertOnceInOrder(env, records, VALUES, `${py.client} group consumer`);
}

export default defineCapability({
  id: 'leader-failover-produce-consume',
  title: 'leader kill -9 in a 3-node cluster: idempotent acks=all producer and group consumer, every acknowledged record once, in order',
  order: 950,
  needsCluster: 'kills the leader of the partition written and read',
  requires: [{ api: ApiKey.InitProducerId }, { api: ApiKey.Produce, minVersion: 3 }, ...GROUP_APIS],
  timeoutMs: 120_000,
  cells: {
    kafkajs: kafkajsCell,
    async kcat(env) {
      const cluster = clusterOf(env);
      const topic = await env.createTopic('failover', { partitions: 1 });
      const group = env.group('failover');
      // kcat -G: a balanced consumer, auto-committing (every 500 ms, and on close at SIGTERM).
      const consumer = new StreamingProcess(KCAT, [
        // -E: a transient error (the dead leader, a metadata refresh) is reported, not the end.
        '-b', env.bootstrap, '-G', group, '-J', '-u', '-q', '-E',
        '-X', 'auto.offset.reset=earliest', '-X', 'auto.commit.interval.ms=500', '-X', 'fetch.wait.max.ms=200', topic,
      ], { signal: env.signal });
      env.onCleanup(() => consumer.stop());
      // kcat -P reads the records from a pipe as a shell script writes them: CHUNK lines, a pause.
      const script = `i=0; while [ $i -lt ${N} ]; do echo value-$i; i=$((i+1)); if [ $((i % ${CHUNK})) -eq 0 ]; then sleep ${PAUSE_MS / 1000}; fi; done | ` +
        `${KCAT} -b ${env.bootstrap} -P -t ${topic} -p 0 -X enable.idempotence=true -X acks=all -X linger.ms=5 -X message.timeout.ms=60000`;
      const producer = new StreamingProcess('sh', ['-c', script], { signal: env.signal });
      env.onCleanup(() => producer.stop());
      await waitFor(`a third of the records consumed`, () => consumer.lines.length >= N / 3, env.remainingMs(30_000), 50).catch((e: Error) => {
        throw new Error(`${e.message} (${consumer.lines.length}; consumer stderr: ${consumer.stderr.slice(-500)}; producer stderr: ${producer.stderr.slice(-500)})`);
      });
      await killLeader(env, cluster, topic);
      await producer.waitExit(env.remainingMs());
      assert.deepEqual(producer.exit, { code: 0, signal: null }, `kcat -P exit (stderr: ${producer.stderr.slice(-1000)})`);
      assert.ok(!/Delivery failed/i.test(producer.stderr), `kcat -P reported failures: ${producer.stderr.slice(-1000)}`);
      await waitFor(`all ${N} records consumed`, () => consumer.lines.length >= N, env.remainingMs(), 100).catch((e: Error) => {
        throw new Error(`${e.message} (${consumer.lines.length} consumed)`);
      });
      await assertCommittedAtEnd(env, group, topic);
      await consumer.terminate(15_000);
      const records = parseJsonLines<{ offset: number; payload: string | null }>(consumer.lines.map((l) => l.line).join('\n'))
        .map((r) => ({ offset: r.offset, value: r.payload }));
      assertOnceInOrder(env, records, VALUES, 'kcat -G consumer');
    },
    'confluent-kafka-python': driverCell,
    'confluent-kafka-python-2': driverCell,
  },
});
