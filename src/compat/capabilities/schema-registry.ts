/**
 * Confluent's schema registry clients round-trip Avro records through the broker with Tributary's
 * registry (issue #11): @kafkajs/confluent-schema-registry (register, encode, decode,
 * getLatestSchemaId, 409 on an incompatible schema) and confluent-kafka-python's
 * SchemaRegistryClient with AvroSerializer/AvroDeserializer. The cell starts a registry of its own
 * against the endpoint, as `tributary registry --bootstrap` does, with its state in a topic of the
 * run's prefix (so the runner removes it) and its own election group: the row also runs against
 * Apache Kafka or any other cluster.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError } from '../capability.js';
import { venvPython } from '../clients/confluent-pypi.js';
import { pythonScript } from '../package-root.js';
import { runProcess } from '../process.js';
import { consumeDecoded, kafkajsRegistryModule, registryFor } from '../registry-steps.js';

const V1 = JSON.stringify({ type: 'record', name: 'Reading', namespace: 'com.example', fields: [{ name: 'sensor', type: 'string' }, { name: 'value', type: 'double' }] });
const V2 = JSON.stringify({ type: 'record', name: 'Reading', namespace: 'com.example', fields: [{ name: 'sensor', type: 'string' }, { name: 'value', type: 'double' }, { name: 'unit', type: 'string', default: 'C' }] });
const BAD = JSON.stringify({ type: 'record', name: 'Reading', namespace: 'com.example', fields: [{ name: 'sensor', type: 'long' }, { name: 'value', type: 'double' }] });



export default defineCapability({
  id: 'schema-registry',
  title: 'schema registry: Confluent serializers register, encode and decode Avro through the broker',
  order: 150,
  requires: [{ api: ApiKey.Produce }, { api: ApiKey.Fetch }, { api: ApiKey.JoinGroup }, { api: ApiKey.CreateTopics }],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const { SchemaRegistry, SchemaType } = await kafkajsRegistryModule();
      const running = await registryFor(env);
      const client = new SchemaRegistry({ host: running.urls[0] as string });
      const topic = await env.createTopic('avro', { partitions: 1 });
      const subject = `${topic}-value`;
      const { id } = await client.register({ type: SchemaType.AVRO, schema: V1 }, { subject });
      const { id: id2 } = await client.register({ type: SchemaType.AVRO, schema: V2 }, { subject });
      assert.equal(await client.getLatestSchemaId(subject), id2);
      await assert.rejects(client.register({ type: SchemaType.AVRO, schema: BAD }, { subject }), (e: Error & { status?: number }) => e.status === 409);
      const s = kjs.session(env);
      const producer = s.kafka.producer();
      await producer.connect();
      env.onCleanup(() => producer.disconnect());
      const sent = [{ sensor: 'a', value: 1.5 }, { sensor: 'b', value: -2, unit: 'K' }];
      await producer.send({ topic, acks: -1, messages: [{ value: await client.encode(id, sent[0]) }, { value: await client.encode(id2, sent[1]) }] });
      const reader = new SchemaRegistry({ host: running.urls[0] as string });
      const got = await consumeDecoded(env, s.kafka, topic, 'avro', sent.length, (v) => reader.decode(v));
      assert.deepEqual(got, sent);
    },

    async 'confluent-kafka-python-2'(env) {
      const python = venvPython();
      const probe = existsSync(python) ? await runProcess(python, ['-c', 'import confluent_kafka.schema_registry.avro, fastavro'], { timeoutMs: env.remainingMs(60_000), signal: env.signal }) : undefined;
      if (probe === undefined || probe.code !== 0) throw new NotRunError(`confluent-kafka[avro,schemaregistry] is not installed in ${python} (npx tributary compat --install-clients)`);
      const running = await registryFor(env);
      const topic = await env.createTopic('py-avro', { partitions: 1 });
      const run = await runProcess(python, [pythonScript('confluent_avro.py'), env.bootstrap, running.urls[0] as string, topic], { timeoutMs: env.remainingMs(), signal: env.signal });
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { versions: number[]; latest: { subject: string }; sent: unknown[]; consumed: unknown[] };
      assert.deepEqual(out.versions, [1]);
      assert.equal(out.latest.subject, `${topic}-value`);
      assert.deepEqual(out.consumed, out.sent);
    },
  },
});
