/**
 * The compatibility-rules table (issue #11): for each of the seven levels, the canonical evolution
 * cases give Confluent's verdict, and the verbose messages are Confluent's text.
 */
import assert from 'node:assert/strict';
import { parseAvro } from './avro.js';
import { COMPATIBILITY_LEVELS, compatibilityErrors, type CompatibilityLevel, type NewSchema, type PreviousSchema } from './compatibility.js';

const rec = (fields: object[], name = 'User'): string => JSON.stringify({ type: 'record', name, namespace: 'com.example', fields });
const NAME = { name: 'name', type: 'string' };
const AGE = { name: 'age', type: 'int' };
const COLOR = (symbols: string[]): object => ({ name: 'color', type: { type: 'enum', name: 'Color', symbols } });

const BASE = rec([NAME, AGE, COLOR(['RED', 'GREEN'])]);
/** case → [new schema, backward ok, forward ok] against BASE; FULL is both, NONE always ok. */
const CASES: Record<string, [string, boolean, boolean]> = {
  'add a field with a default': [rec([NAME, AGE, COLOR(['RED', 'GREEN']), { name: 'email', type: 'string', default: '' }]), true, true],
  'add a field without a default': [rec([NAME, AGE, COLOR(['RED', 'GREEN']), { name: 'email', type: 'string' }]), false, true],
  'remove a field (it had no default)': [rec([NAME, COLOR(['RED', 'GREEN'])]), true, false],
  'change a field\'s type (int to string)': [rec([NAME, { name: 'age', type: 'string' }, COLOR(['RED', 'GREEN'])]), false, false],
  'promote int to long': [rec([NAME, { name: 'age', type: 'long' }, COLOR(['RED', 'GREEN'])]), true, false],
  'rename a field with an alias': [rec([NAME, { name: 'years', type: 'int', aliases: ['age'] }, COLOR(['RED', 'GREEN'])]), true, false],
  'add an enum symbol': [rec([NAME, AGE, COLOR(['RED', 'GREEN', 'BLUE'])]), true, false],
  'rename the record, old name as an alias': [rec([NAME, AGE, COLOR(['RED', 'GREEN'])]).replace('"User"', '"Person","aliases":["com.example.User"]'), true, false],
  'make a field nullable (union with null, default null)': [rec([NAME, { name: 'age', type: ['null', 'int'], default: null }, COLOR(['RED', 'GREEN'])]), true, false],
};

function previous(...texts: string[]): PreviousSchema[] {
  return texts.map((t, i) => {
    const p = parseAvro(t);
    return { version: i + 1, canonical: p.canonical, schemaType: 'AVRO', parsed: { ...p, schemaType: 'AVRO' } };
  });
}
const avroNew = (text: string): NewSchema => ({ schemaType: 'AVRO', parsed: { ...parseAvro(text), schemaType: 'AVRO' } });
const verdict = (level: CompatibilityLevel, next: string, prev: PreviousSchema[]): boolean => compatibilityErrors(level, avroNew(next), prev).length === 0;

describe('schema compatibility (Confluent\'s rules)', () => {
  for (const [name, [next, backward, forward]] of Object.entries(CASES)) {
    it(`${name}: backward ${backward}, forward ${forward}, full ${backward && forward}, at every level`, () => {
      const expected: Record<CompatibilityLevel, boolean> = {
        NONE: true,
        BACKWARD: backward,
        BACKWARD_TRANSITIVE: backward,
        FORWARD: forward,
        FORWARD_TRANSITIVE: forward,
        FULL: backward && forward,
        FULL_TRANSITIVE: backward && forward,
      };
      for (const level of COMPATIBILITY_LEVELS) assert.equal(verdict(level, next, previous(BASE)), expected[level], level);
    });
  }

  it('the transitive levels check every earlier version, the others only the latest', () => {
    const v1 = rec([NAME]);
    const v2 = rec([NAME, { name: 'age', type: 'int', default: 0 }]);
    const v3 = rec([NAME, AGE]);
    assert.equal(verdict('BACKWARD', v3, previous(v1, v2)), true);
    assert.equal(verdict('BACKWARD_TRANSITIVE', v3, previous(v1, v2)), false);
    // Removing a field: the latest has a default for it, the first does not.
    const w1 = rec([NAME, AGE]);
    const w2 = rec([NAME, { name: 'age', type: 'int', default: 0 }]);
    const w3 = rec([NAME]);
    for (const [level, ok] of [['FORWARD', true], ['FORWARD_TRANSITIVE', false], ['FULL', true], ['FULL_TRANSITIVE', false]] as const) {
      assert.equal(verdict(level, w3, previous(w1, w2)), ok, level);
    }
  });

  it('verbose messages are Confluent\'s', () => {
    const [next] = CASES['add a field without a default'] ?? [''];
    const prev = previous(BASE);
    assert.deepEqual(compatibilityErrors('BACKWARD', avroNew(next), prev), [
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'email' at path '/fields/3' in the new schema has no default value and is missing in the old schema', additionalInfo:'email'}",
      '{oldSchemaVersion: 1}',
      `{oldSchema: '${prev[0]?.canonical}'}`,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ]);
    const [changed] = CASES['change a field\'s type (int to string)'] ?? [''];
    assert.deepEqual(compatibilityErrors('FULL', avroNew(changed), prev), [
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the old schema does not match with the new schema', additionalInfo:'reader type: INT not compatible with writer type: STRING'}",
      "{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: STRING not compatible with writer type: INT'}",
      '{oldSchemaVersion: 1}',
      `{oldSchema: '${prev[0]?.canonical}'}`,
      "{validateFields: 'false', compatibility: 'FULL'}",
    ]);
    const [enumAdded] = CASES['add an enum symbol'] ?? [''];
    assert.equal(
      compatibilityErrors('FORWARD', avroNew(enumAdded), prev)[0],
      "{errorType:'MISSING_ENUM_SYMBOLS', description:'The old schema is missing enum symbols '[BLUE]' at path '/fields/2/type/symbols' in the new schema', additionalInfo:'[BLUE]'}",
    );
  });

  it('a union that loses a branch, a fixed that changes size, a renamed record without alias', () => {
    const u1 = rec([{ name: 'v', type: ['null', 'string', 'int'] }]);
    const u2 = rec([{ name: 'v', type: ['null', 'string'] }]);
    assert.match(compatibilityErrors('BACKWARD', avroNew(u2), previous(u1))[0] ?? '', /MISSING_UNION_BRANCH.*path '\/fields\/0\/type\/2'.*reader union lacking writer type: INT/);
    const f1 = rec([{ name: 'f', type: { type: 'fixed', name: 'F', size: 4 } }]);
    const f2 = rec([{ name: 'f', type: { type: 'fixed', name: 'F', size: 8 } }]);
    assert.match(compatibilityErrors('BACKWARD', avroNew(f2), previous(f1))[0] ?? '', /FIXED_SIZE_MISMATCH.*'\/fields\/0\/type\/size'.*expected: 4, found: 8/);
    const renamed = rec([NAME], 'Person');
    assert.match(compatibilityErrors('BACKWARD', avroNew(renamed), previous(rec([NAME])))[0] ?? '', /NAME_MISMATCH.*path '\/name'.*expected: com\.example\.User/);
  });

  it('logical types are checked by their underlying type; recursive schemas terminate', () => {
    const t1 = rec([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }]);
    const t2 = rec([{ name: 'at', type: 'long' }]);
    assert.equal(verdict('FULL', t2, previous(t1)), true);
    const list = JSON.stringify({ type: 'record', name: 'Node', fields: [{ name: 'v', type: 'int' }, { name: 'next', type: ['null', 'Node'], default: null }] });
    const list2 = JSON.stringify({ type: 'record', name: 'Node', fields: [{ name: 'v', type: 'long' }, { name: 'next', type: ['null', 'Node'], default: null }] });
    assert.equal(verdict('BACKWARD', list2, previous(list)), true);
    assert.equal(verdict('FORWARD', list2, previous(list)), false);
  });

  it('stores one text per schema whatever the whitespace and key order, keeping logical types', () => {
    const a = parseAvro('{"type":"record","name":"R","namespace":"n","fields":[{"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}}]}');
    const b = parseAvro('{ "fields": [ {"type": {"logicalType": "timestamp-millis", "type": "long"}, "name": "t"} ], "namespace": "n", "name": "R", "type": "record" }');
    assert.equal(a.canonical, b.canonical);
    assert.equal(a.canonical, '{"type":"record","name":"n.R","fields":[{"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}}]}');
  });
});
