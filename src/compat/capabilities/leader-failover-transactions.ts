/**
 * A cluster row: a transactional producer commits transaction after transaction while the node
 * coordinating its transactional id is killed with SIGKILL (kafkajs: with a transaction open, before
 * its commit; the Python driver: once a few are committed, wherever it is then). The producer goes
 * on as an application would: it retries what is retriable, aborts and sends a transaction again
 * when told to, and makes a new producer (init again) when its producer is unusable. A
 * read_committed group consumer then sees exactly the committed transactions' records, each once,
 * in order. The consumer runs from the start, in a group formed before the kill: a group formed
 * while a node is down cannot be, on a fresh cluster (__consumer_offsets is created on the first
 * FindCoordinator, with offsets.topic.replication.factor=3 live brokers).
 *
 * How it runs: against the 3-node cluster the run starts for this row (needsCluster; runner.ts
 * clusterFor: CLUSTER_BROKER_CONFIG, __transaction_state replicated three times with
 * transaction.state.log.min.isr=2), shared by the row's cells; after each cell the runner starts the
 * killed node again. 15 transactions of 20 records to one partition.
 */
import assert from 'node:assert/strict';
import type { Producer, Transaction } from 'kafkajs';
import { defineCapability, type CompatEnv } from '../capability.js';
import { makeKafkaWith, type KafkajsHandle } from '../clients/kafkajs.js';
import type { PythonHandle } from '../clients/python.js';
import { assertOnceInOrder, clusterOf, distinctOffsets, FAILOVER_METADATA_MAX_AGE_MS, FAILOVER_RETRY, killTransactionCoordinator } from '../failover-steps.js';
import { GROUP_APIS, KAFKAJS_GROUP_CONSUMER } from '../group-steps.js';
import { one, TXN_APIS, type TxnLine } from '../txn-steps.js';
import { parseJsonLines } from '../process.js';
import { sleep, waitFor } from '../wait.js';

const TXNS = 15;
const PER_TXN = 20;
/** The kill comes with transaction KILL_AT open (kafkajs) or once KILL_AT are committed (Python). */
const KILL_AT = 4;
const PAUSE_MS = 150;

function txnValues(t: number): string[] {
  return Array.from({ length: PER_TXN }, (_, j) => `t${t}-${j}`);
}
const ALL = Array.from({ length: TXNS }, (_, t) => txnValues(t)).flat();

async function kafkajsCell(env: CompatEnv, kjs: KafkajsHandle): Promise<void> {
  const cluster = clusterOf(env);
  const topic = await env.createTopic('failover-txn', { partitions: 1 });
  const transactionalId = env.topic('failover-tx');
  const k = makeKafkaWith(kjs.kafkajs, env.bootstrap, 'tributary-compat-failover-txn', FAILOVER_RETRY);
  env.onCleanup(() => {
    if (k.log.length > 0) env.note(`kafkajs log tail:\n${k.log.slice(-20).map((l) => `  ${l}`).join('\n')}`);
  });
  const producers: Producer[] = [];
  env.onCleanup(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
  });
  const newProducer = async (): Promise<Producer> => {
    const p = k.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10_000, retry: FAILOVER_RETRY, metadataMaxAge: FAILOVER_METADATA_MAX_AGE_MS });
    producers.push(p);
    await p.connect();
    return p;
  };
  // The read_committed group consumer, reading while the transactions go on.
  const reader = k.kafka.consumer({ groupId: env.group('reader'), readUncommitted: false, ...KAFKAJS_GROUP_CONSUMER, retry: FAILOVER_RETRY, metadataMaxAge: FAILOVER_METADATA_MAX_AGE_MS });
  env.onCleanup(() => reader.disconnect().catch(() => undefined));
  const got: { offset: number; value: string | null }[] = [];
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      got.push({ offset: Number(message.offset), value: message.value?.toString() ?? null });
    },
  });
  let producer = await newProducer();
  let killed = false;
  let reinits = 0;
  for (let t = 0; t < TXNS;) {
    assert.ok(env.remainingMs() > 1000, `out of time at transaction ${t}`);
    let txn: Transaction | undefined;
    try {
      txn = await producer.transaction();
      await txn.send({ topic, acks: -1, messages: txnValues(t).map((value) => ({ value, partition: 0 })) });
      if (t === KILL_AT && !killed) {
        await killTransactionCoordinator(env, cluster, transactionalId);
        killed = true;
      }
      await txn.commit();
      t++;
      await sleep(PAUSE_MS);
    } catch (e) {
      env.note(`[kafkajs] transaction ${t}: ${(e as Error).message}`);
      try {
        if (txn === undefined) throw e;
        await txn.abort();
      } catch {
        // The producer cannot go on: a new one (InitProducerId fences the old and aborts its transaction).
        await producer.disconnect().catch(() => undefined);
        producer = await newProducer();
        reinits++;
      }
    }
  }
  assert.ok(killed, 'the coordinator was killed mid-run');
  env.note(`[kafkajs] ${TXNS} transactions committed, ${reinits} new producers`);
  await waitFor(`all ${ALL.length} committed records read`, () => distinctOffsets(got) >= ALL.length, env.remainingMs(), 100).catch((e: Error) => {
    throw new Error(`${e.message} (${got.length} read)`);
  });
  await sleep(1000); // anything more (a duplicate, an aborted record) would arrive now
  await reader.disconnect();
  assertOnceInOrder(env, got, ALL, 'kafkajs read_committed consumer');
}

/** confluent-kafka-python (Debian's and PyPI's): the driver's `txn_failover`, then `txn_read`. */
async function driverCell(env: CompatEnv, py: PythonHandle): Promise<void> {
  const cluster = clusterOf(env);
  const topic = await env.createTopic('failover-txn', { partitions: 1 });
  const transactionalId = env.topic('failover-tx');
  const budget = Math.floor(env.remainingMs() / 1000) - 15;
  // The read_committed group consumer, reading while the transactions go on (until it has them all
  // and 3 s pass without more).
  const reader = py.spawn(env, 'txn_read', { topic, isolation: 'read_committed', expected: ALL.length, group: env.group('verify'), timeout: budget, quiet: 3 });
  const producer = py.spawn(env, 'txn_failover', { topic, transactional_id: transactionalId, transactions: TXNS, per_txn: PER_TXN, pause_ms: PAUSE_MS, timeout_s: budget });
  env.onCleanup(() => env.note(`[${py.client}] txn_failover lines:\n  ${producer.lines.slice(-25).map((l) => l.line).join('\n  ')}\n  stderr: ${producer.stderr.slice(-1500)}`));
  await producer.waitForLine(`${KILL_AT} transactions committed`, (l) => l.includes('"committed"') && /"txn": (\d+)/.exec(l)?.[1] === String(KILL_AT - 1), env.remainingMs(60_000));
  await killTransactionCoordinator(env, cluster, transactionalId);
  await producer.waitForLine('the producer\'s end', (l) => l.includes('"txn-failover-done"'), env.remainingMs());
  const lines = parseJsonLines<TxnLine & { txn?: number }>(producer.lines.map((l) => l.line).join('\n'));
  assert.deepEqual(lines.filter((l) => l.type === 'committed').map((l) => l.txn), Array.from({ length: TXNS }, (_, t) => t), 'every transaction committed once');
  await reader.waitForLine('the reader\'s records', (l) => l.includes('"read"'), env.remainingMs());
  const read = one(parseJsonLines<TxnLine>(reader.lines.map((l) => l.line).join('\n')), 'read');
  assertOnceInOrder(env, (read.values ?? []).map(([, offset, value]) => ({ offset, value })), ALL, `${py.client} read_committed consumer`);
}

export default defineCapability({
  id: 'leader-failover-transactions',
  title: 'transaction coordinator kill -9 in a 3-node cluster: transactions go on, read_committed sees each committed one once, in order',
  order: 951,
  needsCluster: 'kills the transaction coordinator\'s node',
  requires: [...TXN_APIS, ...GROUP_APIS],
  timeoutMs: 150_000,
  cells: {
    kafkajs: kafkajsCell,
    'confluent-kafka-python': driverCell,
    'confluent-kafka-python-2': driverCell,
    kcat: { notApplicable: 'kcat has no transactional producer' },
  },
});
