/**
 * The schema registry as its clients use it (issue #11):
 *  - @kafkajs/confluent-schema-registry's own API (register, encode, decode, getLatestSchemaId,
 *    compatibility errors) round-trips against it, with Avro records produced and consumed through
 *    the broker by kafkajs, and with JSON Schema and Protobuf schemas;
 *  - confluent-kafka-python's JSON Schema and Protobuf serdes produce to validated topics and
 *    consume back;
 *  - confluent-kafka-python's AvroSerializer (auto-registering) and AvroDeserializer produce and
 *    consume through Tributary with it;
 *  - a registry restart (the node stopped and started on the same log dir) and a second instance
 *    reading the same `_schemas` topic see the same subjects and ids, and the second one's writes
 *    continue the ids instead of reusing them.
 */
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startNode, silentLogger, type RunningNode } from '../src/index.js';
import { makeTempDir, removeTempDir } from '../src/io/temp-dir.js';
import { systemClock } from '../src/io/clock.js';
import { startSchemaRegistry } from '../src/schema-registry/server.js';
import { makeKafka } from './support/kafkajs.js';
import { existsSync } from 'node:fs';
import { pythonScript, runProcess, skipOrFail, uniqueTopic, withTimeout } from './support/helpers.js';
import { venvPython } from '../src/compat/clients/confluent-pypi.js';

const REGISTRY_CONFIG = { 'schema.registry.listeners': 'http://127.0.0.1:0', 'group.initial.rebalance.delay.ms': 0 };
const USER_V1 = JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }] });
const USER_V2 = JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int' }, { name: 'email', type: ['null', 'string'], default: null }] });
const USER_BAD = JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'string' }] });

describe('schema registry: Confluent clients against it', function () {
  this.timeout(120_000);
  let node: RunningNode | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    await node?.stop();
    node = undefined;
    if (dir !== undefined) await removeTempDir(dir);
    dir = undefined;
  });

  it('@kafkajs/confluent-schema-registry registers, encodes, decodes, finds the latest id and reports incompatibility', async () => {
    node = await startNode({ config: REGISTRY_CONFIG });
    const registry = new SchemaRegistry({ host: node.schemaRegistryUrls[0] as string });
    const topic = uniqueTopic('avro');
    const subject = `${topic}-value`;
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject });
    assert.equal(await registry.getLatestSchemaId(subject), id);
    const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject });
    assert.ok(id2 > id);
    assert.equal(await registry.getLatestSchemaId(subject), id2);
    await assert.rejects(
      registry.register({ type: SchemaType.AVRO, schema: USER_BAD }, { subject }),
      (e: Error & { status?: number }) => e.status === 409 && /Schema being registered is incompatible with an earlier schema/.test(e.message),
    );

    const kafka = makeKafka(node.bootstrap, 'registry-roundtrip');
    const producer = kafka.kafka.producer();
    await producer.connect();
    const values = [{ name: 'ada', age: 36 }, { name: 'alan', age: 41, email: 'alan@example.com' }];
    await producer.send({
      topic,
      acks: -1,
      messages: [{ value: await registry.encode(id, values[0]) }, { value: await registry.encode(id2, values[1]) }],
    });
    await producer.disconnect();
    // A fresh client: the ids are resolved through the registry, not from the encoder's cache.
    const reader = new SchemaRegistry({ host: node.schemaRegistryUrls[0] as string });
    const consumer = kafka.kafka.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const decoded: unknown[] = [];
    await withTimeout(
      'consuming the Avro records',
      new Promise<void>((resolve, reject) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            try {
              decoded.push(await reader.decode(message.value as Buffer));
              if (decoded.length === values.length) resolve();
            } catch (e) {
              reject(e as Error);
            }
          },
        });
      }),
      30_000,
    );
    await consumer.disconnect();
    assert.deepEqual(decoded.map((d) => JSON.parse(JSON.stringify(d))), [values[0], { ...values[1] }]);
  });

  it('@kafkajs/confluent-schema-registry with JSON Schema and Protobuf: registers, encodes, decodes with a fresh client, reports incompatibility', async () => {
    node = await startNode({ config: REGISTRY_CONFIG });
    const host = node.schemaRegistryUrls[0] as string;
    const registry = new SchemaRegistry({ host });
    const jsonSchema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'], additionalProperties: false };
    const { id: jsonId } = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify(jsonSchema) }, { subject: 'people-json-value' });
    assert.equal(await registry.getLatestSchemaId('people-json-value'), jsonId);
    const { id: jsonId2 } = await registry.register({ type: SchemaType.JSON, schema: JSON.stringify({ ...jsonSchema, properties: { ...jsonSchema.properties, email: { type: 'string' } } }) }, { subject: 'people-json-value' });
    assert.ok(jsonId2 > jsonId, 'an optional property added to a closed content model is backward compatible');
    await assert.rejects(
      registry.register({ type: SchemaType.JSON, schema: JSON.stringify({ ...jsonSchema, properties: { name: { type: 'string' }, age: { type: 'string' } } }) }, { subject: 'people-json-value' }),
      (e: Error & { status?: number }) => e.status === 409 && /TYPE_CHANGED/.test(e.message),
    );
    const proto = 'syntax = "proto3";\npackage com.example;\n\nmessage Person {\n  string name = 1;\n  int32 age = 2;\n}\n';
    const { id: protoId } = await registry.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject: 'people-proto-value' });
    await assert.rejects(
      registry.register({ type: SchemaType.PROTOBUF, schema: proto.replace('int32 age', 'string age') }, { subject: 'people-proto-value' }),
      (e: Error & { status?: number }) => e.status === 409 && /FIELD_SCALAR_KIND_CHANGED/.test(e.message),
    );
    const jsonBytes = await registry.encode(jsonId, { name: 'ada', age: 36 });
    const protoBytes = await registry.encode(protoId, { name: 'alan', age: 41 });
    await assert.rejects(registry.encode(jsonId, { name: 7 }), /invalid/i);
    const reader = new SchemaRegistry({ host });
    assert.deepEqual(await reader.decode(jsonBytes), { name: 'ada', age: 36 });
    assert.deepEqual(JSON.parse(JSON.stringify(await reader.decode(protoBytes))), { name: 'alan', age: 41 });
  });

  it('a restart and a second instance see the same subjects and ids; ids are never reused', async () => {
    dir = await makeTempDir('tributary-registry-');
    node = await startNode({ config: { ...REGISTRY_CONFIG, 'log.dirs': dir } });
    const first = new SchemaRegistry({ host: node.schemaRegistryUrls[0] as string });
    const ids = [];
    for (const s of ['a-value', 'b-value', 'c-value']) ids.push((await first.register({ type: SchemaType.AVRO, schema: USER_V1.replace('"User"', `"${s.replace('-', '_')}"`) }, { subject: s })).id);
    const before = await listing(node.schemaRegistryUrls[0] as string);

    await node.stop();
    node = await startNode({ config: { ...REGISTRY_CONFIG, 'log.dirs': dir } });
    assert.deepEqual(await listing(node.schemaRegistryUrls[0] as string), before, 'after a restart');

    const second = await startSchemaRegistry({ bootstrap: [node.bootstrap], listeners: [{ host: '127.0.0.1', port: 0 }], clock: systemClock, logger: silentLogger });
    try {
      assert.deepEqual(await listing(second.urls[0] as string), before, 'a second instance');
      const viaSecond = new SchemaRegistry({ host: second.urls[0] as string });
      const { id } = await viaSecond.register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject: 'd-value' });
      assert.ok(id > Math.max(...ids), `the second instance's id ${id} continues after ${ids.join(',')}`);
      // And the node's own instance reads it.
      const viaFirst = new SchemaRegistry({ host: node.schemaRegistryUrls[0] as string });
      assert.equal((await viaFirst.getRegistryId('d-value', 1)), id);
    } finally {
      await second.close();
    }
  });
});

/** Every subject with its versions and their ids, as GET /subjects and /versions/{v} show them. */
async function listing(base: string): Promise<Record<string, number[]>> {
  const subjects = (await (await fetch(`${base}/subjects`)).json()) as string[];
  const out: Record<string, number[]> = {};
  for (const s of subjects) {
    const versions = (await (await fetch(`${base}/subjects/${s}/versions`)).json()) as number[];
    out[s] = [];
    for (const v of versions) out[s].push(((await (await fetch(`${base}/subjects/${s}/versions/${v}`)).json()) as { id: number }).id);
  }
  return out;
}

describe('schema registry: confluent-kafka-python\'s SchemaRegistryClient and its Avro, JSON Schema and Protobuf serdes', function () {
  this.timeout(120_000);
  let node: RunningNode | undefined;
  afterEach(async () => {
    await node?.stop();
    node = undefined;
  });

  it('AvroSerializer registers and produces, AvroDeserializer consumes back through Tributary', async function () {
    const python = venvPython();
    const probe = existsSync(python) ? await runProcess(python, ['-c', 'import confluent_kafka.schema_registry.avro, fastavro'], { timeoutMs: 60_000 }) : undefined;
    if (probe === undefined || probe.code !== 0) skipOrFail(this, `confluent-kafka[avro,schemaregistry] is not installed in ${python} (tributary compat --install-clients)`);
    node = await startNode({ config: REGISTRY_CONFIG });
    const topic = uniqueTopic('py-avro');
    const run = await runProcess(python, [pythonScript('confluent_avro.py'), node.bootstrap, node.schemaRegistryUrls[0] as string, topic], { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { subjects: string[]; versions: number[]; latest: { subject: string; version: number; id: number }; sent: unknown[]; consumed: unknown[] };
    assert.deepEqual(out.subjects, [`${topic}-value`]);
    assert.deepEqual(out.versions, [1]);
    assert.equal(out.latest.subject, `${topic}-value`);
    assert.ok(out.latest.id >= 1);
    assert.deepEqual(out.consumed, out.sent);
  });

  it('JSONSerializer/JSONDeserializer and ProtobufSerializer/ProtobufDeserializer (a run-time message class) round-trip through Tributary', async function () {
    const python = venvPython();
    const probe = existsSync(python) ? await runProcess(python, ['-c', 'import confluent_kafka.schema_registry.json_schema, confluent_kafka.schema_registry.protobuf, jsonschema, google.protobuf'], { timeoutMs: 60_000 }) : undefined;
    if (probe === undefined || probe.code !== 0) skipOrFail(this, `confluent-kafka[json,protobuf,schemaregistry] is not installed in ${python} (tributary compat --install-clients)`);
    node = await startNode({ config: REGISTRY_CONFIG });
    const jsonTopic = uniqueTopic('py-json');
    const protoTopic = uniqueTopic('py-proto');
    // Validated topics: the broker decodes what the Python serializers write (Protobuf with Confluent's message indexes).
    const admin = makeKafka(node.bootstrap, 'py-formats-admin').kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [jsonTopic, protoTopic].map((topic) => ({ topic, numPartitions: 1, configEntries: [{ name: 'confluent.value.schema.validation', value: 'true' }] })) });
    await admin.disconnect();
    const run = await runProcess(python, [pythonScript('confluent_json_protobuf.py'), node.bootstrap, node.schemaRegistryUrls[0] as string, jsonTopic, protoTopic], { timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<'json' | 'protobuf', { sent: unknown[]; consumed: unknown[]; schema_type: string; refused?: string; schema?: string; error?: string }>;
    assert.equal(out.json.schema_type, 'JSON');
    assert.deepEqual(out.json.consumed, out.json.sent);
    assert.equal(out.json.refused, 'SerializationError', 'the serializer validates against the registered schema');
    assert.equal(out.protobuf.error, undefined, out.protobuf.error);
    assert.equal(out.protobuf.schema_type, 'PROTOBUF');
    assert.deepEqual(out.protobuf.consumed, out.protobuf.sent);
    // The serializer registers a base64 FileDescriptorProto; the registry keeps it as .proto text, as Confluent's does.
    assert.match(out.protobuf.schema ?? '', /^syntax = "proto3";\npackage com\.example;\n\nmessage Reading \{\n  string sensor = 1;\n  double value = 2;\n\}\n$/);
  });
});

describe('schema registry: one writer, elected through the group protocol', function () {
  this.timeout(120_000);

  it('the first instance leads, a second forwards its writes there, and takes over when the leader leaves', async () => {
    const node = await startNode({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    const start = () => startSchemaRegistry({ bootstrap: [node.bootstrap], listeners: [{ host: '127.0.0.1', port: 0 }], clock: systemClock, logger: silentLogger });
    const a = await start();
    let b: Awaited<ReturnType<typeof start>> | undefined;
    try {
      assert.equal((await a.leader(30_000))?.self, true, 'the only instance leads');
      b = await start();
      const seenByB = await waitForLeader(b, (l) => l.url === a.urls[0]);
      assert.equal(seenByB.self, false);
      assert.equal((await a.leader(1000))?.self, true, 'a joining follower does not take over');
      const viaB = new SchemaRegistry({ host: b.urls[0] as string });
      const { id } = await viaB.register({ type: SchemaType.AVRO, schema: USER_V1 }, { subject: 'forwarded-value' });
      // The leader made the write (its own state has it without reading anyone's answer).
      assert.equal(a.registry()?.state.subjects.get('forwarded-value')?.get(1)?.id, id);
      await a.close();
      const takenOver = await waitForLeader(b, (l) => l.self);
      assert.equal(takenOver.url, b.urls[0]);
      const { id: id2 } = await viaB.register({ type: SchemaType.AVRO, schema: USER_V2 }, { subject: 'forwarded-value' });
      assert.ok(id2 > id);
    } finally {
      await b?.close();
      await a.close();
      await node.stop();
    }
  });
});

/** Polls the instance's view of the leader until `ok` holds (bounded). */
async function waitForLeader(r: { leader(ms: number): Promise<{ self: boolean; url: string } | null> }, ok: (l: { self: boolean; url: string }) => boolean): Promise<{ self: boolean; url: string }> {
  for (let i = 0; i < 120; i++) {
    const l = await r.leader(500);
    if (l !== null && ok(l)) return l;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('the expected leader was not elected within 60 s');
}
