/**
 * Broker-side schema validation (issue #11): a topic with confluent.value.schema.validation=true
 * accepts records kafkajs produces with @kafkajs/confluent-schema-registry's encoder, and refuses a
 * batch holding a record with a wrong id, a missing magic byte, a truncated payload, or a schema
 * registered under another subject: INVALID_RECORD with one record error naming each record
 * (Produce v9's record_errors), compressed batches included; consumers never see any record of a
 * refused batch. JSON Schema and Protobuf topics likewise: the payload must be JSON valid against
 * the schema, or Confluent's message indexes and a message that decodes.
 */
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startNode, type RunningNode } from '../src/index.js';
import { RawClient } from '../src/testing/raw-client.js';
import { rawCall } from '../src/testing/raw-call.js';
import { buildRecordBatch } from '../src/protocol/records/record-batch-builder.js';
import { CompressionType } from '../src/protocol/records/batch-header.js';
import { encodeProduceRequest } from '../src/protocol/generated/messages/produce-request.js';
import { decodeProduceResponse, type PartitionProduceResponse } from '../src/protocol/generated/messages/produce-response.js';
import { ErrorCode } from '../src/protocol/generated/error-codes.js';
import { makeKafka } from './support/kafkajs.js';
import { uniqueTopic, withTimeout } from './support/helpers.js';

const SCHEMA = JSON.stringify({ type: 'record', name: 'Reading', namespace: 'com.example', fields: [{ name: 'sensor', type: 'string' }, { name: 'value', type: 'double' }] });
const OTHER = JSON.stringify({ type: 'record', name: 'Other', namespace: 'com.example', fields: [{ name: 'x', type: 'long' }] });

describe('broker-side schema validation', function () {
  this.timeout(90_000);
  let node: RunningNode;
  let registry: SchemaRegistry;
  let raw: RawClient;

  before(async () => {
    node = await startNode({ config: { 'schema.registry.listeners': 'http://127.0.0.1:0', 'group.initial.rebalance.delay.ms': 0 } });
    registry = new SchemaRegistry({ host: node.schemaRegistryUrls[0] as string });
    raw = await RawClient.connect(node.bootstrap);
  });
  after(async () => {
    raw?.close();
    await node?.stop();
  });

  async function createTopic(topic: string, configEntries: { name: string; value: string }[]): Promise<void> {
    const admin = makeKafka(node.bootstrap, 'validation-admin').kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries }] });
    await admin.disconnect();
  }

  async function validatedTopic(): Promise<{ topic: string; id: number; otherId: number }> {
    const topic = uniqueTopic('validated');
    await createTopic(topic, [{ name: 'confluent.value.schema.validation', value: 'true' }]);
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: SCHEMA }, { subject: `${topic}-value` });
    const { id: otherId } = await registry.register({ type: SchemaType.AVRO, schema: OTHER }, { subject: `elsewhere-${topic}-value` });
    return { topic, id, otherId };
  }

  async function produce(topic: string, values: (Buffer | null)[], compression = CompressionType.None): Promise<PartitionProduceResponse> {
    const records = await buildRecordBatch({ baseOffset: 0, compression, records: values.map((value, i) => ({ key: `k${i}`, value, timestamp: 1_700_000_000_000 + i })) });
    const res = await rawCall(raw, 0, 9, true, encodeProduceRequest, decodeProduceResponse, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    const p = res.responses[0]?.partitionResponses[0];
    assert.ok(p !== undefined);
    return p;
  }

  async function consumeAll(topic: string, expected: number): Promise<unknown[]> {
    const kafka = makeKafka(node.bootstrap, 'validation-reader').kafka;
    const consumer = kafka.consumer({ groupId: `g-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: unknown[] = [];
    await withTimeout('consuming', new Promise<void>((resolve, reject) => {
      void consumer.run({ eachMessage: async ({ message }) => {
        try {
          seen.push(message.value === null ? null : await registry.decode(message.value));
          if (seen.length >= expected) resolve();
        } catch (e) {
          reject(e as Error);
        }
      } });
    }), 30_000);
    // Whatever else is in the topic would have been fetched with the last record: read to the end.
    const offsets = await kafka.admin();
    await offsets.connect();
    const end = await offsets.fetchTopicOffsets(topic);
    await offsets.disconnect();
    await consumer.disconnect();
    assert.equal(end[0]?.high, String(expected), 'the log holds exactly the accepted records');
    return seen;
  }

  it('accepts what kafkajs produces with the registry\'s encoder, refuses bad records with INVALID_RECORD naming each', async () => {
    const { topic, id, otherId } = await validatedTopic();
    const producer = makeKafka(node.bootstrap, 'validation-producer').kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: await registry.encode(id, { sensor: 's1', value: 1.5 }) }, { value: await registry.encode(id, { sensor: 's2', value: 2.5 }) }] });
    // kafkajs sees the refusal as INVALID_RECORD.
    await assert.rejects(producer.send({ topic, acks: -1, messages: [{ value: Buffer.from('plain text') }] }), (e: Error & { type?: string }) => e.type === 'INVALID_RECORD' || /INVALID_RECORD|invalid record/i.test(String(e.message)));
    await producer.disconnect();

    const good = await registry.encode(id, { sensor: 's3', value: 3.5 });
    const wrongId = Buffer.from(good);
    wrongId.writeInt32BE(987654, 1);
    const noMagic = good.subarray(5);
    const truncated = good.subarray(0, good.length - 3);
    const elsewhere = await registry.encode(otherId, { x: 7 });
    const refused = await produce(topic, [good, wrongId, noMagic, truncated, elsewhere, null]);
    assert.equal(refused.errorCode, ErrorCode.INVALID_RECORD);
    assert.deepEqual((refused.recordErrors ?? []).map((e) => e.batchIndex), [1, 2, 3, 4]);
    const messages = (refused.recordErrors ?? []).map((e) => e.batchIndexErrorMessage ?? '');
    assert.match(messages[0] ?? '', /^Record 1: its value names schema id 987654, which the schema registry does not know/);
    assert.match(messages[1] ?? '', /^Record 2: its value does not start with the magic byte 0/);
    assert.match(messages[2] ?? '', /^Record 3: its value does not decode with schema id \d+: truncated/);
    assert.match(messages[3] ?? '', new RegExp(`^Record 4: its value names schema id ${otherId}, which is not registered under subject '${topic}-value'`));
    assert.match(refused.errorMessage ?? '', /One or more records have been rejected due to 4 record errors/);

    // Compressed batches are opened and checked the same way; a good compressed one is accepted.
    const gz = await produce(topic, [good, truncated], CompressionType.Gzip);
    assert.equal(gz.errorCode, ErrorCode.INVALID_RECORD);
    assert.deepEqual((gz.recordErrors ?? []).map((e) => e.batchIndex), [1]);
    const ok = await produce(topic, [good, null], CompressionType.Gzip);
    assert.equal(ok.errorCode, ErrorCode.NONE, ok.errorMessage ?? '');

    // 2 (kafkajs) + 2 (the good compressed batch: one record and a tombstone); nothing of the refused ones.
    const seen = await consumeAll(topic, 4);
    assert.deepEqual(seen.slice(0, 3).map((v) => JSON.parse(JSON.stringify(v))), [{ sensor: 's1', value: 1.5 }, { sensor: 's2', value: 2.5 }, { sensor: 's3', value: 3.5 }]);
  });

  it('JSON Schema and Protobuf topics: what the registry\'s encoders produce passes; a payload the schema refuses, or bytes that do not decode, is INVALID_RECORD', async () => {
    const header = (id: number): Buffer => Buffer.from([0, id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]);
    const producer = makeKafka(node.bootstrap, 'validation-formats').kafka.producer();
    await producer.connect();
    try {
      // JSON: @kafkajs/confluent-schema-registry's JSON encoder (magic byte, id, UTF-8 JSON).
      const jsonTopic = uniqueTopic('validated-json');
      await createTopic(jsonTopic, [{ name: 'confluent.value.schema.validation', value: 'true' }]);
      const schema = JSON.stringify({ type: 'object', properties: { sensor: { type: 'string' }, value: { type: 'number' } }, required: ['sensor', 'value'] });
      const { id: jsonId } = await registry.register({ type: SchemaType.JSON, schema }, { subject: `${jsonTopic}-value` });
      await producer.send({ topic: jsonTopic, acks: -1, messages: [{ value: await registry.encode(jsonId, { sensor: 'j1', value: 1 }) }] });
      await assert.rejects(producer.send({ topic: jsonTopic, acks: -1, messages: [{ value: await registry.encode(jsonId, { sensor: 'j2', value: 2 }) }, { value: Buffer.concat([header(jsonId), Buffer.from('{"sensor":5,"value":2}')]) }] }), (e: Error & { type?: string }) => e.type === 'INVALID_RECORD' || /INVALID_RECORD|invalid record/i.test(String(e.message)));
      const refusedJson = await produce(jsonTopic, [Buffer.concat([header(jsonId), Buffer.from('{"sensor":"x"}')]), Buffer.concat([header(jsonId), Buffer.from('not json')])]);
      assert.equal(refusedJson.errorCode, ErrorCode.INVALID_RECORD);
      const jsonMessages = (refusedJson.recordErrors ?? []).map((e) => e.batchIndexErrorMessage ?? '');
      assert.match(jsonMessages[0] ?? '', new RegExp(`^Record 0: its value does not decode with schema id ${jsonId}: JSON payload is not valid against the schema: \\(root\\) must have required property 'value'`));
      assert.match(jsonMessages[1] ?? '', /^Record 1: its value does not decode with schema id \d+: JSON payload does not parse/);
      assert.deepEqual((await consumeAll(jsonTopic, 1)).map((v) => JSON.parse(JSON.stringify(v))), [{ sensor: 'j1', value: 1 }]);

      // Protobuf: Confluent's framing has the message indexes after the id ([0] as the single byte 0);
      // @kafkajs/confluent-schema-registry leaves them out, so they are put in here.
      const protoTopic = uniqueTopic('validated-proto');
      await createTopic(protoTopic, [{ name: 'confluent.value.schema.validation', value: 'true' }]);
      const proto = 'syntax = "proto3";\npackage com.example;\n\nmessage Reading {\n  string sensor = 1;\n  double value = 2;\n}\n';
      const { id: protoId } = await registry.register({ type: SchemaType.PROTOBUF, schema: proto }, { subject: `${protoTopic}-value` });
      const confluentFraming = (encoded: Buffer): Buffer => Buffer.concat([encoded.subarray(0, 5), Buffer.from([0]), encoded.subarray(5)]);
      const good = confluentFraming(await registry.encode(protoId, { sensor: 'p1', value: 1.5 }));
      await producer.send({ topic: protoTopic, acks: -1, messages: [{ value: good }] });
      const withoutIndexes = await registry.encode(protoId, { sensor: 'p2', value: 2.5 });
      const refusedProto = await produce(protoTopic, [good, withoutIndexes, good.subarray(0, good.length - 3), Buffer.concat([header(protoId), Buffer.from([0, 0x08, 0x01])])]);
      assert.equal(refusedProto.errorCode, ErrorCode.INVALID_RECORD);
      assert.deepEqual((refusedProto.recordErrors ?? []).map((e) => e.batchIndex), [1, 2, 3]);
      const protoMessages = (refusedProto.recordErrors ?? []).map((e) => e.batchIndexErrorMessage ?? '');
      assert.match(protoMessages[0] ?? '', /^Record 1: its value does not decode with schema id \d+: Protobuf payload: its message indexes/);
      assert.match(protoMessages[1] ?? '', /^Record 2: its value does not decode with schema id \d+: Protobuf payload does not decode as com\.example\.Reading: .*runs past the end/);
      assert.match(protoMessages[2] ?? '', /^Record 3: its value does not decode with schema id \d+: Protobuf payload does not decode as com\.example\.Reading: field 1 \(sensor, string\) has wire type varint, expected length-delimited/);
      assert.deepEqual((await consumeAll(protoTopic, 1)).map((v) => JSON.parse(JSON.stringify(v))), [{ sensor: 'p1', value: 1.5 }]);

      // RecordNameStrategy: the subject is the full name of the message the indexes name ([1]: the second).
      const byRecord = uniqueTopic('validated-proto-record');
      await createTopic(byRecord, [{ name: 'confluent.value.schema.validation', value: 'true' }, { name: 'confluent.value.subject.name.strategy', value: 'io.confluent.kafka.serializers.subject.RecordNameStrategy' }]);
      const twoMessages = 'syntax = "proto3";\npackage com.example;\nmessage First {\n  string a = 1;\n}\nmessage Second {\n  int64 b = 1;\n}\n';
      const { id: twoId } = await registry.register({ type: SchemaType.PROTOBUF, schema: twoMessages }, { subject: 'com.example.Second' });
      const second = Buffer.concat([header(twoId), Buffer.from([2, 2, 0x08, 0x07])]); // indexes [1], then b = 7
      const first = Buffer.concat([header(twoId), Buffer.from([0, 0x0a, 0x01, 0x61])]); // indexes [0], then a = "a"
      const byName = await produce(byRecord, [second, first]);
      assert.equal(byName.errorCode, ErrorCode.INVALID_RECORD);
      assert.deepEqual((byName.recordErrors ?? []).map((e) => e.batchIndexErrorMessage), [`Record 1: its value names schema id ${twoId}, which is not registered under subject 'com.example.First'`]);
      assert.equal((await produce(byRecord, [second])).errorCode, ErrorCode.NONE);
    } finally {
      await producer.disconnect();
    }
  });

  it('a topic without the config takes anything; confluent.key.schema.validation checks keys', async () => {
    const topic = uniqueTopic('plain');
    await createTopic(topic, []);
    assert.equal((await produce(topic, [Buffer.from('not avro')])).errorCode, ErrorCode.NONE);
    const keyChecked = uniqueTopic('keys');
    await createTopic(keyChecked, [{ name: 'confluent.key.schema.validation', value: 'true' }]);
    // Keys here are plain strings: refused on a key-validated topic, whatever the value.
    const res = await produce(keyChecked, [Buffer.from('not avro')]);
    assert.equal(res.errorCode, ErrorCode.INVALID_RECORD);
    assert.match(res.recordErrors?.[0]?.batchIndexErrorMessage ?? '', /^Record 0: its key does not start with the magic byte 0/);
  });
});
