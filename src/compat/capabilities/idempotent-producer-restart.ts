/**
 * An idempotent producer keeps sending (acks=all, retries) while the broker is killed with SIGKILL
 * and started again: every message is written exactly once, in send order per partition (the
 * broker's producer state survives the kill, so the retried batches are recognised as duplicates).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { makeKafkaWith } from '../clients/kafkajs.js';
import { requireGroupApis } from '../group-steps.js';
import { assertAllInOrder } from '../records.js';
import { kafkajsReadIsolated } from '../txn-steps.js';
import { waitFor } from '../wait.js';

const PARTITIONS = 3;
const N = 3000;

export default defineCapability({
  id: 'idempotent-producer-restart',
  title: 'idempotent producer through a broker kill -9: every record once, in order',
  order: 905,
  needsRestart: true,
  requires: [{ api: ApiKey.InitProducerId }, { api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }],
  timeoutMs: 120_000,
  cells: {
    async kafkajs(env, kjs) {
      requireGroupApis(env, 'kafkajs reads back through a consumer group');
      const topic = await env.createTopic('idem-restart', { partitions: PARTITIONS });
      const retrying = makeKafkaWith(kjs.kafkajs, env.bootstrap, 'tributary-compat-idem', { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 });
      const p = retrying.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      env.onCleanup(() => p.disconnect().catch(() => undefined));
      env.onCleanup(() => {
        if (retrying.log.length > 0) env.note(`kafkajs (retrying producer) log tail:\n${retrying.log.slice(-20).map((l) => `  ${l}`).join('\n')}`);
      });
      await p.connect();
      let sent = 0;
      const sending = (async () => {
        for (let s = 0; s < N; s += 50) {
          await p.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, j) => ({ value: `m-${s + j}`, partition: (s + j) % PARTITIONS })) });
          sent = s + 50;
        }
      })();
      sending.catch(() => undefined); // awaited below
      await waitFor('the producer got going', () => sent >= 600, env.remainingMs(30_000));
      assert.ok(env.restart !== undefined, 'no restart hook');
      await env.restart({ kill: true });
      await sending;
      await p.disconnect();
      const got = await kafkajsReadIsolated(env, kjs.session(env), topic, true, N, 1500, 60_000);
      const seen = new Map<string, number>();
      for (const g of got) seen.set(g.value, (seen.get(g.value) ?? 0) + 1);
      const dups = [...seen].filter(([, n]) => n > 1).map(([v]) => v);
      assert.deepEqual(dups, [], 'no message written twice');
      assert.equal(seen.size, N, 'every message written');
      // Within a partition, the order of sending.
      for (let part = 0; part < PARTITIONS; part++) {
        const idx = got.filter((g) => g.partition === part).sort((a, b) => a.offset - b.offset).map((g) => Number(g.value.slice(2)));
        assert.deepEqual(idx, [...idx].sort((a, b) => a - b), `partition ${part} in order`);
      }
    },
    async java(env, j) {
      const topic = await env.createTopic('idem-restart', { partitions: PARTITIONS });
      // A steady stream (50 messages, flush, 20 ms) with a delivery timeout longer than the restart.
      const producer = j.spawn(env, 'produce', {
        topic, count: N, partitions: PARTITIONS, idempotence: true, chunk: 50, pause_ms: 20, timeout_s: Math.floor(env.remainingMs() / 1000) - 10,
      });
      const keyAtLeast = (min: number) => (l: string): boolean => Number(/"type": "delivered".*"key": "key-(\d+)"/.exec(l)?.[1] ?? -1) >= min;
      await producer.waitForLine('600 messages delivered', keyAtLeast(600), env.remainingMs(30_000));
      assert.ok(!producer.lines.some((l) => l.line.includes('"summary"')), 'the producer finished before the broker was killed');
      assert.ok(env.restart !== undefined, 'no restart hook');
      await env.restart({ kill: true });
      await producer.waitForLine('the producer\'s summary', (l) => l.includes('"summary"') || l.includes('"delivery_error"'), env.remainingMs());
      assert.deepEqual(producer.lines.filter((l) => l.line.includes('"delivery_error"')).slice(0, 3).map((l) => l.line), [], 'no delivery error');
      // Exactly N, each once, dense offsets, in send order per partition.
      const records = await j.readAll(env, topic, N, 60_000);
      assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'java']] }));
    },
    kcat: { notApplicable: 'librdkafka: see the exactly-once kill -9 row (confluent-kafka-python)' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no idempotent producer' },
  },
});
