/**
 * Fetch long-poll: a consumer waiting on an empty partition with a long max wait (10 s) receives a
 * record produced later promptly, because the append wakes the parked fetch (not a timer). kafkajs
 * has no group-less consumer, so its cell waits through a group consumer (its row then also needs
 * the group APIs: without them the cell does not run).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { KAFKAJS_GROUP_CONSUMER, requireGroupApis } from '../group-steps.js';
import { assertRanOk, StreamingProcess } from '../process.js';
import { sleep, withTimeout } from '../wait.js';

const MAX_WAIT_MS = 10_000;
/** Well under MAX_WAIT_MS: a fetch answered only at its max wait fails this. */
const PROMPT_MS = 4_000;
/** Time for the consumer to get its first (empty) fetch parked at the broker. */
const SETTLE_MS = 1_500;

function assertPrompt(receivedAtMs: number, producedAtMs: number): void {
  const latency = receivedAtMs - producedAtMs;
  assert.ok(latency < PROMPT_MS,
    `the waiting consumer got the record ${latency} ms after it was acknowledged (fetch max wait ${MAX_WAIT_MS} ms): a parked fetch must be answered when the record arrives`);
}

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('longpoll', { partitions: 1 });
  const consumer = py.spawn(env, 'wait_one', { topic, fetch_wait_ms: MAX_WAIT_MS, timeout_s: Math.floor(env.remainingMs() / 1000) });
  await consumer.waitForLine('the ready line', (l) => l.includes('"ready"'), env.remainingMs(30_000));
  await sleep(SETTLE_MS);
  const delivered = await py.produce(env, { topic, count: 1, partitions: 1 });
  const producedAt = Date.now();
  assert.equal(delivered.length, 1);
  const got = await consumer.waitForLine('the record', (l) => l.includes('"record"'), env.remainingMs(MAX_WAIT_MS + 5_000));
  assert.match(got.line, /"key": "key-0"/);
  assertPrompt(got.atMs, producedAt);
}

export default defineCapability({
  id: 'fetch-long-poll',
  title: 'fetch long-poll (a waiting consumer gets a new record promptly)',
  order: 60,
  requires: [{ api: ApiKey.Fetch, minVersion: 4 }],
  cells: {
    async kafkajs(env, kjs) {
      requireGroupApis(env, 'kafkajs consumes only through a consumer group');
      const topic = await env.createTopic('longpoll', { partitions: 1 });
      const s = kjs.session(env);
      const consumer = await s.consumer({ groupId: env.group('longpoll'), ...KAFKAJS_GROUP_CONSUMER, maxWaitTimeInMs: MAX_WAIT_MS });
      let joined!: () => void;
      const joinedP = new Promise<void>((res) => { joined = res; });
      consumer.on(consumer.events.GROUP_JOIN, () => joined());
      let got: ((at: { atMs: number; key: string; value: string }) => void) | undefined;
      const gotP = new Promise<{ atMs: number; key: string; value: string }>((res) => { got = res; });
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => got?.({ atMs: Date.now(), key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' }) });
      await withTimeout('the kafkajs consumer joining its group', joinedP, env.remainingMs(30_000));
      await sleep(SETTLE_MS);
      const p = await s.producer();
      await p.send({ topic, acks: -1, messages: [{ key: 'key-0', value: 'late' }] });
      const producedAt = Date.now();
      const r = await withTimeout('the record', gotP, env.remainingMs(MAX_WAIT_MS + 5_000));
      assert.deepEqual([r.key, r.value], ['key-0', 'late']);
      assertPrompt(r.atMs, producedAt);
    },

    async kcat(env, kcat) {
      const topic = await env.createTopic('longpoll', { partitions: 1 });
      const consumer = new StreamingProcess('kcat', [
        '-b', env.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-J', '-q',
        '-X', `fetch.wait.max.ms=${MAX_WAIT_MS}`,
      ], { signal: env.signal });
      env.onCleanup(() => consumer.stop());
      await sleep(SETTLE_MS);
      assert.ok(!consumer.exited, 'kcat -C exited before any record was produced');
      const r = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':'], { input: 'key-0:late\n', timeoutMs: 30_000 });
      const producedAt = Date.now();
      assertRanOk(r);
      const got = await consumer.waitForLine('the record', (l) => l.includes('"key-0"'), env.remainingMs(MAX_WAIT_MS + 5_000));
      assert.match(got.line, /"payload":\s*"late"/);
      assertPrompt(got.atMs, producedAt);
    },

    'confluent-kafka-python': python,
    'kafka-python': python,
    java: python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
