/**
 * message.timestamp.type=LogAppendTime: the broker stamps each batch with its append time (the
 * produce response carries it), ignoring the producer's timestamp; offsets-by-time and consumers
 * see the append times.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { PythonHandle } from '../clients/python.js';
import { readBack } from '../checks.js';
import { sleep } from '../wait.js';

/**
 * franz-go: its delivery reports keep the record's own timestamp (kgo does not read the produce
 * response's log_append_time), so the append times are checked where franz-go reads them: its
 * consumer and kadm's offsets by time.
 */
async function franzGo(env: CompatEnv, fgo: PythonHandle): Promise<void> {
  const topic = await env.createTopic('ts-append', { partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } });
  const t0 = Date.now();
  await fgo.produce(env, { topic, count: 1, partitions: 1, base_ts: 1000 });
  await sleep(50);
  const t1 = Date.now();
  await fgo.produce(env, { topic, count: 1, start: 1, partitions: 1, base_ts: 1000 });
  const t2 = Date.now();
  const [at1, at2] = (await fgo.readAll(env, topic, 2)).map((r) => r.timestamp);
  assert.ok(at1 !== undefined && at2 !== undefined, 'two records read back');
  if (env.controlled !== undefined) {
    assert.ok(at1 >= t0 && at1 <= t1, `first append time ${at1} in [${t0}, ${t1}]`);
    assert.ok(at2 >= t1 && at2 <= t2, `second append time ${at2} in [${t1}, ${t2}]`);
  } else {
    assert.ok(at1 > 1001 && at2 > at1, `append times ${at1}, ${at2} (the producer said 1000, 1001)`);
  }
  const after = await fgo.command<{ offset: number }>(env, 'offsets_for_times', { topic, timestamp: at1 + 1 });
  assert.equal(after[0]?.offset, 1);
  const early = await fgo.command<{ offset: number }>(env, 'offsets_for_times', { topic, timestamp: 5000 });
  assert.equal(early[0]?.offset, 0, 'the producer timestamps (1000, 1001) are ignored');
}

export default defineCapability({
  id: 'log-append-time',
  title: 'message.timestamp.type=LogAppendTime: the broker stamps append times; offsets by time use them',
  order: 340,
  // log_append_time_ms is in Produce v2+; ListOffsets by timestamp v1+.
  requires: [{ api: ApiKey.CreateTopics }, { api: ApiKey.Produce, minVersion: 2 }, { api: ApiKey.ListOffsets, minVersion: 1 }],
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('ts-append', { partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } });
      const s = kjs.session(env);
      const admin = await s.admin();
      const producer = await s.producer({ allowAutoTopicCreation: false });
      const t0 = Date.now();
      const first = await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: '1', timestamp: '1000' }] });
      await sleep(50);
      const t1 = Date.now();
      const second = await producer.send({ topic, acks: -1, messages: [{ key: 'b', value: '2', timestamp: '1000' }] });
      const t2 = Date.now();
      const at1 = Number(first[0]!.logAppendTime);
      const at2 = Number(second[0]!.logAppendTime);
      if (env.controlled !== undefined) {
        // Same machine, same clock.
        assert.ok(at1 >= t0 && at1 <= t1, `first append time ${at1} in [${t0}, ${t1}]`);
        assert.ok(at2 >= t1 && at2 <= t2, `second append time ${at2} in [${t1}, ${t2}]`);
      } else {
        assert.ok(at1 > 1000 && at2 > at1, `append times ${at1}, ${at2} (the producer said 1000)`);
      }
      assert.equal(Number((await admin.fetchTopicOffsetsByTimestamp(topic, at1 + 1))[0]!.offset), 1);
      assert.equal(Number((await admin.fetchTopicOffsetsByTimestamp(topic, 5000))[0]!.offset), 0, 'the producer timestamp (1000) is ignored');
      const { reader, records } = await readBack(env, 'kafkajs', topic, 2);
      assert.deepEqual(records.map((r) => r.timestamp), [at1, at2], `${reader} sees the append times`);
    },

    async java(env, j) {
      const topic = await env.createTopic('ts-append', { partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } });
      // The producer asks for timestamp 1000 (base_ts + i); RecordMetadata.timestamp() is the append time.
      const t0 = Date.now();
      const [first] = await j.produce(env, { topic, count: 1, partitions: 1, base_ts: 1000 });
      await sleep(50);
      const t1 = Date.now();
      const [second] = await j.produce(env, { topic, count: 1, partitions: 1, base_ts: 999, start: 1 });
      const t2 = Date.now();
      const at1 = first?.timestamp ?? -1;
      const at2 = second?.timestamp ?? -1;
      if (env.controlled !== undefined) {
        assert.ok(at1 >= t0 && at1 <= t1, `first append time ${at1} in [${t0}, ${t1}]`);
        assert.ok(at2 >= t1 && at2 <= t2, `second append time ${at2} in [${t1}, ${t2}]`);
      } else {
        assert.ok(at1 > 1000 && at2 > at1, `append times ${at1}, ${at2} (the producer said 1000)`);
      }
      assert.equal((await j.offsetsForTimes(env, topic, at1 + 1)).get(0), 1);
      assert.equal((await j.offsetsForTimes(env, topic, 5000)).get(0), 0, 'the producer timestamp (1000) is ignored');
      const records = await j.readAll(env, topic, 2);
      assert.deepEqual(records.map((r) => r.timestamp), [at1, at2], 'the consumer sees the append times');
    },
    'franz-go': franzGo,
  },
});
