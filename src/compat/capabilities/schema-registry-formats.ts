/**
 * Confluent's schema registry clients with JSON Schema and Protobuf (issue #11), as
 * schema-registry.ts is for Avro: @kafkajs/confluent-schema-registry registers both kinds, gets a
 * 409 naming Confluent's difference for an incompatible change, encodes records kafkajs produces
 * through the broker and decodes them with a fresh client; confluent-kafka-python's
 * JSONSerializer/ProtobufSerializer (a message class built at run time) produce and its
 * deserializers consume back. The registry runs against the endpoint as in schema-registry.ts, so
 * the row also runs against Apache Kafka.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError } from '../capability.js';
import { venvPython } from '../clients/confluent-pypi.js';
import { pythonScript } from '../package-root.js';
import { runProcess } from '../process.js';
import { consumeDecoded, kafkajsRegistryModule, registryFor } from '../registry-steps.js';

const JSON_V1 = { type: 'object', properties: { sensor: { type: 'string' }, value: { type: 'number' } }, required: ['sensor'], additionalProperties: false };
const PROTO_V1 = 'syntax = "proto3";\npackage com.example;\n\nmessage Reading {\n  string sensor = 1;\n  double value = 2;\n}\n';



export default defineCapability({
  id: 'schema-registry-formats',
  title: 'schema registry: Confluent serializers register, encode and decode JSON Schema and Protobuf through the broker',
  order: 151,
  requires: [{ api: ApiKey.Produce }, { api: ApiKey.Fetch }, { api: ApiKey.JoinGroup }, { api: ApiKey.CreateTopics }],
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const { SchemaRegistry, SchemaType } = await kafkajsRegistryModule();
      const running = await registryFor(env);
      const client = new SchemaRegistry({ host: running.urls[0] as string });
      const topic = await env.createTopic('formats', { partitions: 1 });
      const { id: jsonId } = await client.register({ type: SchemaType.JSON, schema: JSON.stringify(JSON_V1) }, { subject: `${topic}-json` });
      await assert.rejects(client.register({ type: SchemaType.JSON, schema: JSON.stringify({ ...JSON_V1, properties: { sensor: { type: 'integer' }, value: { type: 'number' } } }) }, { subject: `${topic}-json` }), (e: Error & { status?: number }) => e.status === 409 && /TYPE_CHANGED/.test(e.message));
      const { id: protoId } = await client.register({ type: SchemaType.PROTOBUF, schema: PROTO_V1 }, { subject: `${topic}-proto` });
      await assert.rejects(client.register({ type: SchemaType.PROTOBUF, schema: PROTO_V1.replace('double value', 'string value') }, { subject: `${topic}-proto` }), (e: Error & { status?: number }) => e.status === 409 && /FIELD_SCALAR_KIND_CHANGED/.test(e.message));
      const sent = [{ sensor: 'j', value: 1.5 }, { sensor: 'p', value: -2 }];
      const proto = await client.encode(protoId, sent[1]);
      // Confluent's framing puts the message indexes ([0]: the single byte 0) after the id; this client leaves them out.
      const confluentProto = Buffer.concat([proto.subarray(0, 5), Buffer.from([0]), proto.subarray(5)]);
      const s = kjs.session(env);
      const producer = s.kafka.producer();
      await producer.connect();
      env.onCleanup(() => producer.disconnect());
      await producer.send({ topic, acks: -1, messages: [{ value: await client.encode(jsonId, sent[0]) }, { value: confluentProto }] });
      const reader = new SchemaRegistry({ host: running.urls[0] as string });
      const got = await consumeDecoded(env, s.kafka, topic, 'formats', sent.length, (v) => reader.decode(v));
      assert.deepEqual(got, sent);
    },

    async 'confluent-kafka-python-2'(env) {
      const python = venvPython();
      const probe = existsSync(python) ? await runProcess(python, ['-c', 'import confluent_kafka.schema_registry.json_schema, confluent_kafka.schema_registry.protobuf, jsonschema, google.protobuf'], { timeoutMs: env.remainingMs(60_000), signal: env.signal }) : undefined;
      if (probe === undefined || probe.code !== 0) throw new NotRunError(`confluent-kafka[json,protobuf,schemaregistry] is not installed in ${python} (npx tributary compat --install-clients)`);
      const running = await registryFor(env);
      const jsonTopic = await env.createTopic('py-json', { partitions: 1 });
      const protoTopic = await env.createTopic('py-proto', { partitions: 1 });
      const run = await runProcess(python, [pythonScript('confluent_json_protobuf.py'), env.bootstrap, running.urls[0] as string, jsonTopic, protoTopic], { timeoutMs: env.remainingMs(), signal: env.signal });
      assert.equal(run.code, 0, run.stderr.slice(-2000));
      const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<'json' | 'protobuf', { sent: unknown[]; consumed: unknown[]; error?: string }>;
      assert.deepEqual(out.json.consumed, out.json.sent);
      assert.equal(out.protobuf.error, undefined, out.protobuf.error);
      assert.deepEqual(out.protobuf.consumed, out.protobuf.sent);
    },
  },
});
