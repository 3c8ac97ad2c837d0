/**
 * Interoperability: a client reads what a different client library wrote, and the other way round
 * (batches built by librdkafka read by kafka-python, and kafka-python's read by librdkafka; franz-go's
 * read by librdkafka, and librdkafka's by franz-go).
 * kafkajs's rows already read everything kafkajs writes back with kcat or a Python client.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError } from '../capability.js';
import { readBack } from '../checks.js';
import { consoleProduce, consumeAll } from '../kafka-cli-steps.js';
import { assertAllInOrder, assertSameAsDelivered } from '../records.js';

export default defineCapability({
  id: 'interop',
  title: 'reads what another client library wrote, and vice versa',
  order: 110,
  requires: [{ api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 }],
  timeoutMs: 120_000,
  cells: {
    kafkajs: { notApplicable: 'every kafkajs row is read back by kcat or a Python client' },
    kcat: { notApplicable: 'librdkafka: see the kafka-python cell' },
    'confluent-kafka-python': { notApplicable: 'librdkafka: see the kafka-python cell' },
    'confluent-kafka-python-2': { notApplicable: 'librdkafka: see the kafka-python and franz-go cells' },
    async 'franz-go'(env, fgo) {
      const ckp = env.client('confluent-kafka-python-2') ?? env.client('confluent-kafka-python');
      if (ckp === undefined) throw new NotRunError('no confluent-kafka-python here, no cross-client check');
      const baseTs = Date.now() - 2 * 3600_000;
      const t1 = await env.createTopic('fgo-from-ckp', { partitions: 2 });
      const t2 = await env.createTopic('ckp-from-fgo', { partitions: 2 });
      const d1 = await ckp.produce(env, { topic: t1, count: 300, base_ts: baseTs, compression: 'lz4' });
      assertSameAsDelivered(await fgo.readAll(env, t1, 300), d1, { src: ckp.srcTag, baseTs });
      const d2 = await fgo.produce(env, { topic: t2, count: 300, base_ts: baseTs, compression: 'zstd' });
      assertSameAsDelivered(await ckp.readAll(env, t2, 300), d2, { src: fgo.srcTag, baseTs });
    },
    async 'kafka-python'(env, kp) {
      const ckp = env.client('confluent-kafka-python');
      if (ckp === undefined) throw new NotRunError('python3-confluent-kafka missing, no cross-client check');
      const baseTs = Date.now() - 2 * 3600_000;
      const t1 = await env.createTopic('kp-from-ckp', { partitions: 2 });
      const t2 = await env.createTopic('ckp-from-kp', { partitions: 2 });
      const d1 = await ckp.produce(env, { topic: t1, count: 300, base_ts: baseTs, compression: 'gzip' });
      assertSameAsDelivered(await kp.readAll(env, t1, 300), d1, { src: ckp.srcTag, baseTs });
      const d2 = await kp.produce(env, { topic: t2, count: 300, base_ts: baseTs, compression: 'gzip' });
      assertSameAsDelivered(await ckp.readAll(env, t2, 300), d2, { src: kp.srcTag, baseTs });
    },

    async 'kafka-cli'(env, cli) {
      // The console consumer prints what kafkajs wrote: keys, values, headers and the timestamps it set.
      const kjs = env.client('kafkajs');
      if (kjs === undefined) throw new NotRunError('kafkajs (npm install kafkajs) writes the records the console consumer reads, and it is absent');
      const N = 300;
      const baseTs = Date.now() - 2 * 3600_000;
      const fromKjs = await env.createTopic('cli-from-kjs', { partitions: 3 });
      const p = await kjs.session(env).producer();
      await p.send({ topic: fromKjs, acks: -1, compression: kjs.kafkajs.CompressionTypes.GZIP, messages: Array.from({ length: N }, (_, i) => ({
        key: `key-${i}`, value: `value-${i}`, timestamp: String(baseTs + i), headers: { idx: String(i), src: 'kafkajs' },
      })) });
      const read = await consumeAll(env, cli, fromKjs, N);
      assertAllInOrder(read, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'kafkajs']], timestamp: baseTs + i }));

      // And another client reads what the console producer wrote.
      const fromCli = await env.createTopic('other-from-cli', { partitions: 3 });
      await consoleProduce(env, cli, fromCli, Array.from({ length: N }, (_, i) => `idx:${i},src:kafka-cli\tkey-${i}:value-${i}`), { headers: true, extra: ['--compression-codec', 'lz4'] });
      const { records } = await readBack(env, 'kafka-cli', fromCli, N);
      assertAllInOrder(records, N, (i) => ({ value: `value-${i}`, headers: [['idx', String(i)], ['src', 'kafka-cli']] }));
    },
    async java(env, j) {
      // Batches built by librdkafka (or kafka-python) read by the Java client, and the Java client's read by them.
      const other = env.client('confluent-kafka-python') ?? env.client('kafka-python');
      if (other === undefined) throw new NotRunError('no Python client (python3-confluent-kafka, python3-kafka) for a cross-client check');
      const baseTs = Date.now() - 2 * 3600_000;
      const t1 = await env.createTopic('java-from-py', { partitions: 2 });
      const t2 = await env.createTopic('py-from-java', { partitions: 2 });
      const d1 = await other.produce(env, { topic: t1, count: 300, base_ts: baseTs, compression: 'gzip' });
      assertSameAsDelivered(await j.readAll(env, t1, 300), d1, { src: other.srcTag, baseTs });
      const d2 = await j.produce(env, { topic: t2, count: 300, base_ts: baseTs, compression: 'gzip' });
      assertSameAsDelivered(await other.readAll(env, t2, 300), d2, { src: j.srcTag, baseTs });
    },
  },
});
