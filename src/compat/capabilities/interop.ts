/**
 * Interoperability: a client reads what a different client library wrote, and the other way round
 * (batches built by librdkafka read by kafka-python, and kafka-python's read by librdkafka; franz-go's
 * read by librdkafka, and librdkafka's by franz-go).
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
  },
});
