/**
 * ListOffsets by timestamp: per partition, the first offset whose timestamp is >= the query, and
 * "none" (-1, which kafkajs turns into the high watermark) after the last record.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { KafkaCliHandle } from '../clients/kafka-cli.js';
import type { PythonHandle } from '../clients/python.js';
import { consoleProduce, consumeAll, getOffsets } from '../kafka-cli-steps.js';
import type { DriverHandle } from '../clients/java.js';
import { assertRanOk, parseJsonLines } from '../process.js';
import { byPartition, type ConsumedRecord } from '../records.js';
import { sleep } from '../wait.js';

/** For every partition read back, the answer to `got(q)` is the first record with timestamp >= q (else -1). */
async function checkQueries(
  records: readonly ConsumedRecord[], queries: readonly number[], base: number, got: (q: number) => Promise<Map<number, number>>,
): Promise<void> {
  for (const q of queries) {
    const answer = await got(q);
    for (const [partition, list] of byPartition(records)) {
      const first = list.find((r) => r.timestamp >= q);
      // No such record: Kafka answers offset -1 (librdkafka passes it through as OFFSET_END).
      const expected = first === undefined ? -1 : first.offset;
      assert.equal(answer.get(partition), expected, `offset for time ${q - base} ms after base on partition ${partition}`);
    }
  }
}

async function python(env: CompatEnv, py: DriverHandle): Promise<void> {
  const baseTs = Date.now() - 6 * 3600_000;
  const N = 1000;
  const topic = await env.createTopic('ts', { partitions: 3 });
  await py.produce(env, { topic, count: N, base_ts: baseTs });
  const records = await py.readAll(env, topic, N, 60_000);
  assert.equal(records.length, N);
  await checkQueries(records, [baseTs - 1000, baseTs + 1, baseTs + N / 2, baseTs + N - 1, baseTs + N + 10_000], baseTs,
    (q) => py.offsetsForTimes(env, topic, q));
}

interface FgoOffset { type: string; partition: number; offset: number; timestamp: number; error: string | null }

/**
 * franz-go: kadm.ListOffsetsAfterMilli. Where no record is at or after the time, Kafka answers -1
 * and kadm lists the partition's end offset instead, with timestamp -1 (its documented fallback).
 */
async function franzGo(env: CompatEnv, fgo: PythonHandle): Promise<void> {
  const baseTs = Date.now() - 6 * 3600_000;
  const N = 1000;
  const topic = await env.createTopic('ts', { partitions: 3 });
  await fgo.produce(env, { topic, count: N, base_ts: baseTs });
  const records = await fgo.readAll(env, topic, N, 60_000);
  assert.equal(records.length, N);
  for (const q of [baseTs - 1000, baseTs + 1, baseTs + N / 2, baseTs + N - 1, baseTs + N + 10_000]) {
    const lines = await fgo.command<FgoOffset>(env, 'offsets_for_times', { topic, timestamp: q });
    for (const [partition, list] of byPartition(records)) {
      const got = lines.find((l) => l.type === 'offset' && l.partition === partition);
      assert.equal(got?.error, null, `offsets_for_times error on partition ${partition}`);
      const first = list.find((r) => r.timestamp >= q);
      const expected = first === undefined ? [list.length, -1] : [first.offset, first.timestamp];
      assert.deepEqual([got?.offset, got?.timestamp], expected, `offset and timestamp for time ${q - baseTs} ms after base on partition ${partition}`);
    }
  }
}

export default defineCapability({
  id: 'offsets-by-time',
  title: 'offsets by timestamp (ListOffsets)',
  order: 50,
  requires: [{ api: ApiKey.ListOffsets, minVersion: 1 }],
  // The kafka-cli cell starts a JVM for each of its 10 tool runs.
  timeoutMs: 150_000,
  cells: {
    async kafkajs(env, kjs) {
      const s = kjs.session(env);
      const admin = await s.admin();
      const topic = await env.createTopic('ts', { partitions: 1 });
      const p = await s.producer();
      const base = Date.now() - 3_600_000;
      await p.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, timestamp: String(base + i * 10) })) });
      const at = await admin.fetchTopicOffsetsByTimestamp(topic, base + 35);
      assert.deepEqual(at, [{ partition: 0, offset: '4' }]);
      const first = await admin.fetchTopicOffsetsByTimestamp(topic, base - 1000);
      assert.deepEqual(first, [{ partition: 0, offset: '0' }]);
      // After the last timestamp Kafka answers -1, which kafkajs replaces by the high watermark.
      const after = await admin.fetchTopicOffsetsByTimestamp(topic, base + 1_000_000);
      assert.deepEqual(after, [{ partition: 0, offset: '10' }]);
    },

    async kcat(env, kcat) {
      // kcat cannot set timestamps: write three bursts a little apart, learn their CreateTimes by
      // reading them back, and query kcat -Q with those times.
      const topic = await env.createTopic('ts', { partitions: 2 });
      for (let burst = 0; burst < 3; burst++) {
        const lines = Array.from({ length: 50 }, (_, i) => `key-${burst * 50 + i}:v`);
        assertRanOk(await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-K', ':'], { input: lines.join('\n') + '\n', timeoutMs: 30_000 }));
        await sleep(30);
      }
      const records = await kcat.readAll(env, topic);
      assert.equal(records.length, 150);
      const times = [...new Set(records.map((r) => r.timestamp))].sort((a, b) => a - b);
      const base = times[0] ?? 0;
      const queries = [base - 1000, ...times.slice(1, 4), (times[times.length - 1] ?? 0) + 1, (times[times.length - 1] ?? 0) + 60_000];
      await checkQueries(records, queries, base, async (q) => {
        const parts = [...byPartition(records).keys()];
        const r = await kcat.run(env, ['-b', env.bootstrap, '-Q', '-J', ...parts.flatMap((p) => ['-t', `${topic}:${p}:${q}`])], { timeoutMs: 30_000 });
        assertRanOk(r);
        return kcatQueryAnswer(r.stdout, topic);
      });
    },

    'confluent-kafka-python': python,
    'kafka-python': python,

    async 'kafka-cli'(env, cli) {
      // The console producer cannot set timestamps: three runs (a JVM start apart) write three
      // bursts, the console consumer prints their CreateTimes, kafka-get-offsets --time queries them.
      const topic = await env.createTopic('ts', { partitions: 2 });
      for (let burst = 0; burst < 3; burst++) {
        await consoleProduce(env, cli, topic, Array.from({ length: 50 }, (_, i) => `key-${burst * 50 + i}:v`));
      }
      const records = await consumeAll(env, cli, topic, 150);
      assert.equal(records.length, 150);
      const parts = [...byPartition(records).keys()];
      const times = [...new Set(records.map((r) => r.timestamp))].sort((a, b) => a - b);
      const base = times[0] ?? 0;
      const last = times[times.length - 1] ?? 0;
      // Each query is a JVM start: before the first record, two in the middle, after the last.
      const queries = [base - 1000, ...times.slice(1, 3), last + 1];
      await checkQueries(records, queries, base, async (q) => {
        const answer = await getOffsets(env, cli, topic, q);
        // kafka-get-offsets prints no line for a partition without such an offset (Kafka answered -1).
        for (const p of answer.keys()) assert.ok(parts.includes(p), `an answer for partition ${p}, which holds none of the records`);
        return new Map(parts.map((p) => [p, answer.get(p) ?? -1]));
      });
      // -1 latest, -3 the record with the largest timestamp (KIP-734, ListOffsets v7).
      const counts = byPartition(records);
      assert.deepEqual([...await getOffsets(env, cli, topic, -1)].sort(), parts.map((p) => [p, counts.get(p)?.length ?? 0]).sort());
      if ((env.versions.get(ApiKey.ListOffsets)?.max ?? 0) >= 7) {
        const maxTs = (p: number): number => {
          const list = counts.get(p) ?? [];
          const top = Math.max(...list.map((r) => r.timestamp));
          return list.find((r) => r.timestamp === top)?.offset ?? -1;
        };
        assert.deepEqual([...await getOffsets(env, cli, topic, -3)].sort(), parts.map((p) => [p, maxTs(p)]).sort(), '--time -3 (max timestamp)');
        await maxTimestampTies(env, cli);
      }
    },
    java: python,
    'confluent-kafka-python-2': python,
    'franz-go': franzGo,
  },
});

/**
 * --time -3 when the largest timestamp is not the last record of its batch, and repeats: the answer
 * is the first record carrying it. The console producer cannot choose timestamps, so kafkajs writes
 * them (one batch [t, t+300, t+300, t+200], then [t+300, t+100]); without kafkajs this part is skipped.
 */
async function maxTimestampTies(env: CompatEnv, cli: KafkaCliHandle): Promise<void> {
  const kjs = env.client('kafkajs');
  if (kjs === undefined) {
    env.note('kafkajs absent: --time -3 checked only on the console producer\'s own timestamps');
    return;
  }
  const topic = await env.createTopic('max-ts', { partitions: 1 });
  const p = await kjs.session(env).producer();
  const t = Date.now() - 3_600_000;
  for (const batch of [[0, 300, 300, 200], [300, 100]]) {
    await p.send({ topic, acks: -1, messages: batch.map((d, i) => ({ value: `v${i}`, timestamp: String(t + d) })) });
  }
  assert.deepEqual([...await getOffsets(env, cli, topic, -3)], [[0, 1]], '--time -3: offset 1, the first record with the largest timestamp');
}

/** kcat -Q -J prints {"<topic>": {"topic": …, "<partition>": {"partition": p, "offset": o}, …}} (or one object per line). */
function kcatQueryAnswer(stdout: string, topic: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const obj of parseJsonLines<Record<string, Record<string, unknown>>>(stdout)) {
    const t = obj[topic];
    if (t === undefined) continue;
    for (const v of Object.values(t)) {
      if (v !== null && typeof v === 'object') {
        const e = v as { partition?: number; offset?: number; err?: string };
        if (typeof e.partition === 'number' && typeof e.offset === 'number') m.set(e.partition, e.offset);
      }
    }
  }
  return m;
}
