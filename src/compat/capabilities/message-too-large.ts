/**
 * A record batch larger than the limit is rejected with MESSAGE_TOO_LARGE, nothing is appended, and
 * the producer keeps working. The limit: against the broker the run started, its message.max.bytes
 * (300000, see CONTROLLED_BROKER_CONFIG); against --bootstrap, the topic's max.message.bytes, set
 * to 300000 when the topic is created.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import { expectRejectType } from '../checks.js';
import type { PythonHandle } from '../clients/python.js';

const LIMIT = 300_000;
const TOO_BIG = LIMIT + 1000;

/** A one-partition topic whose batches may be at most LIMIT bytes. */
function bigTopic(env: CompatEnv): Promise<string> {
  if (env.controlled !== undefined) {
    assert.equal(env.controlled.config['message.max.bytes'], String(LIMIT), 'the run starts its broker with message.max.bytes=300000');
    return env.createTopic('big', { partitions: 1 });
  }
  return env.createTopic('big', { partitions: 1, configs: { 'max.message.bytes': String(LIMIT) } });
}

async function python(env: CompatEnv, py: PythonHandle): Promise<void> {
  const topic = await bigTopic(env);
  const big = await py.produceExpectingErrors(env, { topic, count: 1, partitions: 1, value_bytes: TOO_BIG }, 30_000);
  assert.equal(big.delivered.length, 0, `the oversized message was delivered: ${JSON.stringify(big.delivered)}`);
  assert.equal(big.errors.length, 1, 'one delivery error');
  assert.match(big.errors[0] ?? '', /MSG_SIZE_TOO_LARGE|Message size too large|MessageSizeTooLarge|MESSAGE_TOO_LARGE/i);
  // Nothing was appended, and the client still works.
  const small = await py.produce(env, { topic, count: 1, partitions: 1, start: 1 });
  assert.deepEqual(small.map((d) => d.offset), [0]);
}

export default defineCapability({
  id: 'message-too-large',
  title: 'oversized batch rejected (MESSAGE_TOO_LARGE)',
  order: 100,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.CreateTopics }],
  cells: {
    async kafkajs(env, kjs) {
      const topic = await bigTopic(env);
      const p = await kjs.session(env).producer();
      const big = 'x'.repeat(TOO_BIG);
      await expectRejectType(env, 'send of an oversized message', p.send({ topic, messages: [{ value: big }] }), 'MESSAGE_TOO_LARGE');
      // Nothing was appended, and the producer still works.
      const res = await p.send({ topic, messages: [{ value: 'small' }] });
      assert.equal(res[0]?.baseOffset, '0');
    },

    async kcat(env, kcat) {
      const topic = await bigTopic(env);
      const big = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0'], { input: 'x'.repeat(TOO_BIG) + '\n', timeoutMs: 30_000 });
      assert.match(big.stderr, /Message size too large|MSG_SIZE_TOO_LARGE/i, `kcat -P of ${TOO_BIG} bytes: ${big.stderr.slice(0, 500)}`);
      const small = await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', '0'], { input: 'small\n', timeoutMs: 30_000 });
      assert.equal(small.code, 0, small.stderr);
      const records = await kcat.readAll(env, topic);
      assert.deepEqual(records.map((r) => [r.offset, r.value]), [[0, 'small']]);
    },

    async java(env, j) {
      const topic = await bigTopic(env);
      const big = await j.produceExpectingErrors(env, { topic, count: 1, partitions: 1, value_bytes: TOO_BIG }, 30_000);
      assert.equal(big.delivered.length, 0, `the oversized message was delivered: ${JSON.stringify(big.delivered)}`);
      // The broker's MESSAGE_TOO_LARGE reaches the send callback as RecordTooLargeException.
      assert.deepEqual(big.codes, ['MESSAGE_TOO_LARGE'], big.errors.join('; '));
      // Nothing was appended, and the client still works.
      const small = await j.produce(env, { topic, count: 1, partitions: 1, start: 1 });
      assert.deepEqual(small.map((d) => d.offset), [0]);
    },

    'confluent-kafka-python': python,
    'kafka-python': python,
    'franz-go': python,
    'confluent-kafka-python-2': python,
  },
});
