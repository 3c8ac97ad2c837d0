/**
 * `_schemas` records in Confluent's own JSON: what we write is what Confluent's registry writes, and
 * records Confluent's registry wrote (older and newer forms) replay into the same state.
 */
import assert from 'node:assert/strict';
import { decodeRecord, encodeKey, encodeValue, type RegistryRecord } from './records.js';
import { RegistryState } from './state.js';

const b = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s));

describe('_schemas records (Confluent\'s format)', () => {
  it('writes keys and values as Confluent\'s registry does', () => {
    const schema: RegistryRecord = { key: { keytype: 'SCHEMA', subject: 'orders-value', version: 2 }, value: { subject: 'orders-value', version: 2, id: 7, schemaType: 'AVRO', references: [], schema: '"string"', deleted: false } };
    assert.equal(encodeKey(schema.key), '{"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1}');
    assert.equal(encodeValue(schema), '{"subject":"orders-value","version":2,"id":7,"schema":"\\"string\\"","deleted":false}');
    assert.equal(encodeKey({ keytype: 'CONFIG', subject: null }), '{"keytype":"CONFIG","magic":0}');
    assert.equal(encodeKey({ keytype: 'CONFIG', subject: 'orders-value' }), '{"keytype":"CONFIG","subject":"orders-value","magic":0}');
    assert.equal(encodeValue({ key: { keytype: 'CONFIG', subject: null }, value: { compatibilityLevel: 'FULL' } }), '{"compatibilityLevel":"FULL"}');
    assert.equal(encodeKey({ keytype: 'DELETE_SUBJECT', subject: 's' }), '{"keytype":"DELETE_SUBJECT","subject":"s","magic":0}');
    assert.equal(encodeKey({ keytype: 'NOOP' }), '{"keytype":"NOOP","magic":0}');
    const json: RegistryRecord = { key: { keytype: 'SCHEMA', subject: 'j', version: 1 }, value: { subject: 'j', version: 1, id: 8, schemaType: 'JSON', references: [{ name: 'r', subject: 'x', version: 1 }], schema: '{}', deleted: true } };
    assert.deepEqual(JSON.parse(encodeValue(json) ?? ''), { subject: 'j', version: 1, id: 8, schemaType: 'JSON', references: [{ name: 'r', subject: 'x', version: 1 }], schema: '{}', deleted: true });
  });

  it('replays records Confluent wrote: schemas, soft and hard deletes, configs, modes, unknown key types', () => {
    const log: [string, string | null][] = [
      ['{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"FULL_TRANSITIVE"}'],
      ['{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}', '{"subject":"a","version":1,"id":1,"schema":"\\"int\\"","deleted":false}'],
      ['{"keytype":"SCHEMA","subject":"a","version":2,"magic":1}', '{"subject":"a","version":2,"id":2,"schemaType":"AVRO","schema":"\\"long\\"","deleted":false,"md5":"x"}'],
      ['{"keytype":"SCHEMA","subject":"b","version":1,"magic":1}', '{"subject":"b","version":1,"id":1,"schema":"\\"int\\"","deleted":false}'],
      ['{"keytype":"MODE","subject":"b","magic":0}', '{"mode":"READONLY"}'],
      ['{"keytype":"DELETE_SUBJECT","subject":"b","magic":0}', '{"subject":"b","version":1}'],
      ['{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}', null],
      ['{"keytype":"NOOP","magic":0}', null],
      ['{"keytype":"CONTEXT","tenant":"default","context":".ctx","magic":0}', '{"tenant":"default","context":".ctx"}'],
      // An id reused for another text is not believed (the first record for an id wins).
      ['{"keytype":"SCHEMA","subject":"c","version":1,"magic":1}', '{"subject":"c","version":1,"id":2,"schema":"\\"string\\"","deleted":false}'],
    ];
    const state = new RegistryState();
    for (const [k, v] of log) {
      const r = decodeRecord(b(k), b(v));
      if (r !== null) state.apply(r);
    }
    assert.equal(state.globalCompatibility, 'FULL_TRANSITIVE');
    assert.deepEqual(state.versions('a', true).map((v) => [v.version, v.id]), [[2, 2]]);
    assert.deepEqual(state.versions('b', false), []);
    assert.deepEqual(state.versions('b', true).map((v) => [v.version, v.deleted]), [[1, true]]);
    assert.equal(state.subjectMode.get('b'), 'READONLY');
    assert.deepEqual(state.subjectNames(false), ['a']);
    assert.equal(state.schemasById.get(2)?.schema, '"long"');
    assert.deepEqual(state.versions('c', true), []);
    assert.equal(state.maxId, 2);
    assert.equal(decodeRecord(b('{"keytype":"CONTEXT","magic":0}'), b('{}')), null);
    assert.equal(decodeRecord(b('not json'), b('{}')), null);
  });
});
