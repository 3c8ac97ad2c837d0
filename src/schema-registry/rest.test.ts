/**
 * The REST API against a real node (its registry stores state in `_schemas` through kafkajs):
 * Confluent's paths, status codes, error codes and messages; and the topic checks at start.
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startNode, type RunningNode } from '../index.js';
import { systemClock } from '../io/clock.js';
import { silentLogger } from '../util/logger.js';
import { startSchemaRegistry } from './server.js';

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json';
const rec = (fields: object[]): string => JSON.stringify({ type: 'record', name: 'User', namespace: 'com.example', fields });
const V1 = rec([{ name: 'name', type: 'string' }]);
const V2 = rec([{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: 0 }]);
/** Backward-incompatible with V2: a new field without a default. */
const BAD = rec([{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: 0 }, { name: 'email', type: 'string' }]);

describe('schema registry REST API', function () {
  this.timeout(60_000);
  let node: RunningNode;
  let base: string;

  before(async () => {
    node = await startNode({ config: { 'schema.registry.listeners': 'http://127.0.0.1:0', 'group.initial.rebalance.delay.ms': 0 } });
    base = node.schemaRegistryUrls[0] as string;
  });
  after(async () => {
    await node?.stop();
  });

  async function call(method: string, path: string, body?: unknown, contentType = JSON_TYPE): Promise<{ status: number; json: unknown; text: string }> {
    const res = await fetch(base + path, { method, headers: body === undefined ? {} : { 'Content-Type': contentType }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  }

  it('registers, dedupes, lists and fetches by subject, version and id', async () => {
    const r1 = await call('POST', '/subjects/users-value/versions', { schema: V1 });
    assert.equal(r1.status, 200);
    const id1 = (r1.json as { id: number }).id;
    assert.deepEqual(await call('POST', '/subjects/users-value/versions', { schema: ` ${V1} ` }).then((r) => r.json), { id: id1 });
    const r2 = await call('POST', '/subjects/users-value/versions', { schema: V2 });
    const id2 = (r2.json as { id: number }).id;
    assert.ok(id2 > id1);
    // The same schema under another subject keeps its global id.
    assert.deepEqual((await call('POST', '/subjects/other-value/versions', { schema: V1 })).json, { id: id1 });
    assert.deepEqual((await call('GET', '/subjects')).json, ['other-value', 'users-value']);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions')).json, [1, 2]);
    const latest = (await call('GET', '/subjects/users-value/versions/latest')).json as Record<string, unknown>;
    assert.deepEqual({ ...latest, schema: undefined }, { subject: 'users-value', version: 2, id: id2, schema: undefined });
    assert.deepEqual(JSON.parse(latest['schema'] as string), JSON.parse(V2.replace('"User"', '"com.example.User"').replace(',"namespace":"com.example"', '')));
    assert.equal((await call('GET', '/subjects/users-value/versions/1/schema')).text, JSON.stringify({ type: 'record', name: 'com.example.User', fields: [{ name: 'name', type: 'string' }] }));
    assert.deepEqual(Object.keys((await call('GET', `/schemas/ids/${id1}`)).json as object), ['schema']);
    assert.deepEqual((await call('GET', `/schemas/ids/${id1}/subjects`)).json, ['other-value', 'users-value']);
    assert.deepEqual((await call('GET', `/schemas/ids/${id1}/versions`)).json, [{ subject: 'other-value', version: 1 }, { subject: 'users-value', version: 1 }]);
    assert.deepEqual((await call('GET', '/schemas/types')).json, ['JSON', 'PROTOBUF', 'AVRO']);
    const lookup = await call('POST', '/subjects/users-value', { schema: V1 });
    assert.deepEqual({ ...(lookup.json as object), schema: undefined }, { subject: 'users-value', version: 1, id: id1, schema: undefined });
    assert.equal((await call('GET', '/schemas?subjectPrefix=users&latestOnly=true')).json instanceof Array, true);
  });

  it('answers Confluent\'s error codes and messages', async () => {
    assert.deepEqual(await call('GET', '/subjects/nope/versions'), { status: 404, json: { error_code: 40401, message: "Subject 'nope' not found." }, text: JSON.stringify({ error_code: 40401, message: "Subject 'nope' not found." }) });
    assert.deepEqual((await call('GET', '/subjects/users-value/versions/9')).json, { error_code: 40402, message: 'Version 9 not found.' });
    assert.deepEqual((await call('GET', '/schemas/ids/999')).json, { error_code: 40403, message: 'Schema 999 not found' });
    assert.deepEqual((await call('POST', '/subjects/users-value', { schema: BAD })).json, { error_code: 40403, message: 'Schema not found' });
    assert.deepEqual((await call('GET', '/config/users-value')).json, { error_code: 40408, message: "Subject 'users-value' does not have subject-level compatibility configured" });
    const invalid = await call('POST', '/subjects/x/versions', { schema: '{"type":"record","name":"R"}' });
    assert.equal(invalid.status, 422);
    assert.equal((invalid.json as { error_code: number }).error_code, 42201);
    assert.match((invalid.json as { message: string }).message, /^Invalid schema of type AVRO, details: /);
    assert.deepEqual((await call('GET', '/subjects/users-value/versions/0')).json, { error_code: 42202, message: 'The specified version \'0\' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"' });
    assert.deepEqual((await call('PUT', '/config', { compatibility: 'SIDEWAYS' })).json, { error_code: 42203, message: 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive' });
    const incompatible = await call('POST', '/subjects/users-value/versions', { schema: rec([{ name: 'name', type: 'int' }]) });
    assert.equal(incompatible.status, 409);
    assert.equal((incompatible.json as { error_code: number }).error_code, 409);
    assert.match((incompatible.json as { message: string }).message, /^Schema being registered is incompatible with an earlier schema for subject "users-value", details: \[\{errorType:'TYPE_MISMATCH'/);
    assert.equal((await call('POST', '/subjects/users-value/versions', { schema: V1 }, 'text/plain')).status, 415);
    assert.equal((await call('GET', '/no/such/path')).status, 404);
  });

  it('checks compatibility, verbose or not, and keeps per-subject and global levels', async () => {
    assert.deepEqual((await call('POST', '/compatibility/subjects/users-value/versions/latest', { schema: BAD })).json, { is_compatible: false });
    const verbose = (await call('POST', '/compatibility/subjects/users-value/versions/latest?verbose=true', { schema: BAD })).json as { is_compatible: boolean; messages: string[] };
    assert.equal(verbose.is_compatible, false);
    assert.match(verbose.messages[0] ?? '', /READER_FIELD_MISSING_DEFAULT_VALUE/);
    assert.equal(verbose.messages.at(-1), "{validateFields: 'false', compatibility: 'BACKWARD'}");
    assert.deepEqual((await call('PUT', '/config/users-value', { compatibility: 'none' })).json, { compatibility: 'NONE' });
    assert.deepEqual((await call('GET', '/config/users-value')).json, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await call('POST', '/compatibility/subjects/users-value/versions/latest', { schema: BAD })).json, { is_compatible: true });
    assert.deepEqual((await call('DELETE', '/config/users-value')).json, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await call('GET', '/config')).json, { compatibilityLevel: 'BACKWARD' });
    assert.deepEqual((await call('PUT', '/config', { compatibility: 'FULL_TRANSITIVE' })).json, { compatibility: 'FULL_TRANSITIVE' });
    assert.deepEqual((await call('GET', '/config/users-value?defaultToGlobal=true')).json, { compatibilityLevel: 'FULL_TRANSITIVE' });
    await call('PUT', '/config', { compatibility: 'BACKWARD' });
  });

  it('soft and hard deletes, ?deleted and ?permanent=true, as Confluent', async () => {
    await call('POST', '/subjects/gone-value/versions', { schema: V1 });
    await call('POST', '/subjects/gone-value/versions', { schema: V2 });
    assert.deepEqual((await call('DELETE', '/subjects/gone-value/versions/2?permanent=true')).json, { error_code: 40407, message: "Subject 'gone-value' Version 2 was not deleted first before being permanently deleted" });
    assert.deepEqual((await call('DELETE', '/subjects/gone-value/versions/2')).json, 2);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value/versions/2')).json, { error_code: 40406, message: "Subject 'gone-value' Version 2 was soft deleted.Set permanent=true to delete permanently" });
    assert.deepEqual((await call('GET', '/subjects/gone-value/versions')).json, [1]);
    assert.deepEqual((await call('GET', '/subjects/gone-value/versions?deleted=true')).json, [1, 2]);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value?permanent=true')).json, { error_code: 40405, message: "Subject 'gone-value' was not deleted first before being permanently deleted" });
    assert.deepEqual((await call('DELETE', '/subjects/gone-value')).json, [1]);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value')).json, { error_code: 40404, message: "Subject 'gone-value' was soft deleted.Set permanent=true to delete permanently" });
    assert.equal(((await call('GET', '/subjects')).json as string[]).includes('gone-value'), false);
    assert.equal(((await call('GET', '/subjects?deleted=true')).json as string[]).includes('gone-value'), true);
    assert.deepEqual((await call('DELETE', '/subjects/gone-value?permanent=true')).json, [1, 2]);
    assert.equal(((await call('GET', '/subjects?deleted=true')).json as string[]).includes('gone-value'), false);
    assert.deepEqual((await call('GET', '/subjects/gone-value/versions')).json, { error_code: 40401, message: "Subject 'gone-value' not found." });
  });

  it('modes: READONLY refuses writes, IMPORT keeps the ids it is given', async () => {
    assert.deepEqual((await call('GET', '/mode')).json, { mode: 'READWRITE' });
    assert.deepEqual((await call('PUT', '/mode/ro-value', { mode: 'READONLY' })).json, { mode: 'READONLY' });
    const refused = await call('POST', '/subjects/ro-value/versions', { schema: V1 });
    assert.equal(refused.status, 422);
    assert.equal((refused.json as { error_code: number }).error_code, 42205);
    assert.deepEqual((await call('PUT', '/mode/imp-value', { mode: 'IMPORT' })).json, { mode: 'IMPORT' });
    const imported = rec([{ name: 'imported', type: 'string' }]);
    assert.deepEqual((await call('POST', '/subjects/imp-value/versions', { schema: imported, id: 5000, version: 3 })).json, { id: 5000 });
    assert.deepEqual((await call('GET', '/subjects/imp-value/versions')).json, [3]);
    assert.equal(((await call('GET', '/schemas/ids/5000')).json as { schema: string }).schema.includes('imported'), true);
    assert.equal((await call('PUT', '/mode', { mode: 'IMPORT' })).status, 422);
    assert.deepEqual((await call('PUT', '/mode', { mode: 'SIDEWAYS' })).json, { error_code: 42204, message: 'Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.' });
    // After an import, new ids continue above the highest id seen.
    const next = (await call('POST', '/subjects/after-import/versions', { schema: rec([{ name: 'z', type: 'long' }]) })).json as { id: number };
    assert.ok(next.id > 5000);
  });

  it('references: a schema using a named type registered under another subject', async () => {
    const address = JSON.stringify({ type: 'record', name: 'Address', namespace: 'com.example', fields: [{ name: 'street', type: 'string' }] });
    await call('POST', '/subjects/address/versions', { schema: address });
    const customer = JSON.stringify({ type: 'record', name: 'Customer', namespace: 'com.example', fields: [{ name: 'home', type: 'com.example.Address' }] });
    const refs = [{ name: 'com.example.Address', subject: 'address', version: 1 }];
    const r = await call('POST', '/subjects/customer/versions', { schema: customer, references: refs });
    assert.equal(r.status, 200, r.text);
    const got = (await call('GET', '/subjects/customer/versions/1')).json as { references: unknown };
    assert.deepEqual(got.references, refs);
    assert.deepEqual((await call('GET', '/subjects/address/versions/1/referencedby')).json, [(r.json as { id: number }).id]);
    assert.equal((await call('DELETE', '/subjects/address/versions/1')).status, 422);
    assert.equal((await call('POST', '/subjects/customer2/versions', { schema: customer })).status, 422);
  });

  it('JSON Schema: registers with schemaType, dedupes whitespace (key order too with normalize), refuses invalid schemas and incompatible changes', async () => {
    const v1 = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'], additionalProperties: false };
    const r1 = await call('POST', '/subjects/json-value/versions', { schemaType: 'JSON', schema: JSON.stringify(v1, null, 2) });
    assert.equal(r1.status, 200, r1.text);
    const id = (r1.json as { id: number }).id;
    assert.deepEqual((await call('POST', '/subjects/json-value/versions', { schemaType: 'JSON', schema: JSON.stringify(v1) })).json, { id });
    const got = (await call('GET', '/subjects/json-value/versions/1')).json as Record<string, unknown>;
    assert.deepEqual(got, { subject: 'json-value', version: 1, id, schemaType: 'JSON', schema: JSON.stringify(v1) });
    assert.deepEqual((await call('GET', `/schemas/ids/${id}`)).json, { schemaType: 'JSON', schema: JSON.stringify(v1) });
    // Key order matters unless normalized (Confluent's canonical string keeps it).
    const reordered = JSON.stringify({ required: ['name'], additionalProperties: false, type: 'object', properties: { age: { type: 'integer' }, name: { type: 'string' } } });
    assert.equal((await call('POST', '/subjects/json-value', { schemaType: 'JSON', schema: reordered })).status, 404);
    const n1 = await call('POST', '/subjects/json-norm/versions?normalize=true', { schemaType: 'JSON', schema: JSON.stringify(v1) });
    assert.deepEqual((await call('POST', '/subjects/json-norm/versions?normalize=true', { schemaType: 'JSON', schema: reordered })).json, n1.json);
    const invalid = await call('POST', '/subjects/json-value/versions', { schemaType: 'JSON', schema: '{"type": 5}' });
    assert.equal(invalid.status, 422);
    assert.equal((invalid.json as { error_code: number }).error_code, 42201);
    assert.match((invalid.json as { message: string }).message, /^Invalid schema of type JSON, details: /);
    // Removing a property from a closed content model: the new schema cannot read old data.
    const removed = JSON.stringify({ ...v1, properties: { name: { type: 'string' } } });
    const verbose = (await call('POST', '/compatibility/subjects/json-value/versions/latest?verbose=true', { schemaType: 'JSON', schema: removed })).json as { is_compatible: boolean; messages: string[] };
    assert.equal(verbose.is_compatible, false);
    assert.equal(verbose.messages[0], `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/age' in the old schema'}`);
    assert.equal((await call('POST', '/subjects/json-value/versions', { schemaType: 'JSON', schema: removed })).status, 409);
    // A different schema type is never compatible.
    assert.equal(((await call('POST', '/compatibility/subjects/json-value/versions/latest?verbose=true', { schema: V1 })).json as { messages: string[] }).messages[0], 'Incompatible because of different schema type');
    // A $ref to another subject's schema by its reference name.
    await call('POST', '/subjects/json-address/versions', { schemaType: 'JSON', schema: JSON.stringify({ type: 'object', properties: { street: { type: 'string' } } }) });
    const refs = [{ name: 'address.json', subject: 'json-address', version: 1 }];
    const withRef = JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } });
    assert.equal((await call('POST', '/subjects/json-customer/versions', { schemaType: 'JSON', schema: withRef, references: refs })).status, 200);
    assert.equal((await call('POST', '/subjects/json-customer2/versions', { schemaType: 'JSON', schema: withRef })).status, 422);
  });

  it('Protobuf: registers the re-printed schema, dedupes comments and whitespace, resolves imports through references, checks compatibility', async () => {
    const proto = 'syntax = "proto3";\npackage com.example;\n\n// a user\nmessage User {\n  string name = 1;\n  int32 age = 2;\n}\n';
    const r1 = await call('POST', '/subjects/proto-value/versions', { schemaType: 'PROTOBUF', schema: proto });
    assert.equal(r1.status, 200, r1.text);
    const id = (r1.json as { id: number }).id;
    assert.deepEqual((await call('POST', '/subjects/proto-value/versions', { schemaType: 'PROTOBUF', schema: 'syntax="proto3"; package com.example; message User { string name = 1; int32 age = 2; }' })).json, { id });
    assert.equal((await call('GET', `/schemas/ids/${id}/schema`)).text, 'syntax = "proto3";\npackage com.example;\n\nmessage User {\n  string name = 1;\n  int32 age = 2;\n}\n');
    assert.equal(((await call('GET', '/subjects/proto-value/versions/1')).json as { schemaType: string }).schemaType, 'PROTOBUF');
    const invalid = await call('POST', '/subjects/proto-value/versions', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3"; message A { Missing m = 1; }' });
    assert.equal((invalid.json as { error_code: number }).error_code, 42201, invalid.text);
    assert.match((invalid.json as { message: string }).message, /^Invalid schema of type PROTOBUF, details: .*Missing/);
    const retyped = 'syntax = "proto3";\npackage com.example;\nmessage User {\n  string name = 1;\n  string age = 2;\n}\n';
    const verbose = (await call('POST', '/compatibility/subjects/proto-value/versions/latest?verbose=true', { schemaType: 'PROTOBUF', schema: retyped })).json as { is_compatible: boolean; messages: string[] };
    assert.equal(verbose.is_compatible, false);
    assert.equal(verbose.messages[0], `{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/User/2' in the new schema does not match its kind in the old schema"}`);
    const added = 'syntax = "proto3";\npackage com.example;\nmessage User {\n  string name = 1;\n  int32 age = 2;\n  string email = 3;\n}\n';
    assert.deepEqual((await call('POST', '/compatibility/subjects/proto-value/versions/latest', { schemaType: 'PROTOBUF', schema: added })).json, { is_compatible: true });
    // An import resolved through a reference named as the import; well-known types need none.
    await call('POST', '/subjects/address.proto/versions', { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\npackage com.example;\nmessage Address { string street = 1; }\n' });
    const customer = 'syntax = "proto3";\npackage com.example;\nimport "address.proto";\nimport "google/protobuf/timestamp.proto";\nmessage Customer {\n  Address home = 1;\n  google.protobuf.Timestamp since = 2;\n}\n';
    const refs = [{ name: 'address.proto', subject: 'address.proto', version: 1 }];
    const r = await call('POST', '/subjects/proto-customer/versions', { schemaType: 'PROTOBUF', schema: customer, references: refs });
    assert.equal(r.status, 200, r.text);
    assert.equal((await call('POST', '/subjects/proto-customer2/versions', { schemaType: 'PROTOBUF', schema: customer })).status, 422);
  });
});

describe('schema registry: the _schemas topic must be fit for it', function () {
  this.timeout(60_000);

  it('refuses to start on a topic with two partitions or without compaction, as Confluent', async () => {
    const node = await startNode({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    try {
      const admin = new kafkajs.Kafka({ brokers: [node.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'two-parts', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }, { topic: 'deleting', numPartitions: 1 }] });
      await admin.disconnect();
      const start = (topic: string) => startSchemaRegistry({ bootstrap: [node.bootstrap], listeners: [{ host: '127.0.0.1', port: 0 }], topic, clock: systemClock, logger: silentLogger });
      await assert.rejects(start('two-parts'), /The schema topic two-parts should have only 1 partition but has 2/);
      await assert.rejects(start('deleting'), /The retention policy of the schema topic deleting is incorrect. Expected cleanup.policy to be 'compact' but it is delete/);
    } finally {
      await node.stop();
    }
  });
});
