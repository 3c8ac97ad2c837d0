/**
 * Interoperability: a client reads what a different client library wrote, and the other way round
 * (batches built by librdkafka read by kafka-python, and kafka-python's read by librdkafka).
 * kafkajs's rows already read everything kafkajs writes back with kcat or a Python client.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError } from '../capability.js';
import { assertSameAsDelivered } from '../records.js';

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
