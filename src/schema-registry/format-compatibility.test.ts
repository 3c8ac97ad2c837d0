/**
 * The compatibility-rules table for JSON Schema and Protobuf (issue #11), as compatibility.test.ts
 * is for Avro: for each of the seven levels, the canonical evolution cases give the verdict
 * Confluent's JsonSchema and Protobuf diff rules give, and the verbose messages are its text.
 */
import assert from 'node:assert/strict';
import { COMPATIBILITY_LEVELS, compatibilityErrors, type CompatibilityLevel, type PreviousSchema } from './compatibility.js';
import { parseSchema } from './schema-format.js';

type Case = [schema: string, backward: boolean, forward: boolean];

const obj = (props: Record<string, unknown>, extra: Record<string, unknown> = {}): string => JSON.stringify({ type: 'object', properties: props, ...extra });
const NAME = { type: 'string' };
const AGE = { type: 'integer' };
const CLOSED = { additionalProperties: false };

/** JSON cases against JSON_BASE (a closed content model: additionalProperties false). */
const RG = { enum: ['R', 'G'] };
const closed = (over: Record<string, unknown>, required = ['name']): string => {
  const props = Object.fromEntries(Object.entries({ name: NAME, age: AGE, c: RG, ...over }).filter(([, v]) => v !== undefined));
  return obj(props, { required, ...CLOSED });
};
const JSON_BASE = closed({});
const JSON_CASES: Record<string, Case> = {
  'add an optional property to a closed content model': [closed({ email: NAME }), true, false],
  'add a required property to a closed content model': [closed({ email: NAME }, ['name', 'email']), false, false],
  'remove a property from a closed content model': [closed({ age: undefined }), false, true],
  'narrow a string (maxLength added)': [closed({ name: { type: 'string', maxLength: 10 } }), false, true],
  'widen a type (integer to number)': [closed({ age: { type: 'number' } }), true, false],
  'change a type (integer to string)': [closed({ age: { type: 'string' } }), false, false],
  'make a property required': [closed({}, ['name', 'age']), false, true],
  'make a property nullable (type union with null)': [closed({ age: { type: ['integer', 'null'] } }), true, false],
  'add an enum value': [closed({ c: { enum: ['R', 'G', 'B'] } }), true, false],
};

/** Protobuf cases against PROTO_BASE. */
const proto = (body: string, pkg = 'com.example'): string => `syntax = "proto3";\npackage ${pkg};\n\n${body}\n`;
const PROTO_BASE = proto('message User {\n  string name = 1;\n  int32 age = 2;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}');
const PROTO_CASES: Record<string, Case> = {
  'add a field': [proto('message User {\n  string name = 1;\n  int32 age = 2;\n  bool admin = 5;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), true, true],
  'remove a field': [proto('message User {\n  string name = 1;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), true, true],
  'rename a field': [proto('message User {\n  string full_name = 1;\n  int32 age = 2;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), true, true],
  'change a field\'s type within its group (int32 to int64)': [proto('message User {\n  string name = 1;\n  int64 age = 2;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), true, true],
  'change a field\'s type across groups (int32 to string)': [proto('message User {\n  string name = 1;\n  string age = 2;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), false, false],
  'change a scalar to a message': [proto('message User {\n  string name = 1;\n  Address age = 2;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), false, false],
  'remove a message': [proto('message User {\n  string name = 1;\n  int32 age = 2;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n  }\n}'), false, true],
  'remove a member of a oneof': [proto('message User {\n  string name = 1;\n  int32 age = 2;\n  oneof contact {\n    string email = 3;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), false, true],
  'move a field into an existing oneof': [proto('message User {\n  string name = 1;\n  oneof contact {\n    string email = 3;\n    string phone = 4;\n    int32 age = 2;\n  }\n}\nmessage Address {\n  string street = 1;\n}'), false, true],
  'change the package': [PROTO_BASE.replace('com.example', 'com.other'), false, false],
};

function previous(schemaType: string, ...texts: string[]): PreviousSchema[] {
  return texts.map((t, i) => {
    const parsed = parseSchema(schemaType, t, []);
    return { version: i + 1, canonical: parsed.canonical, schemaType, parsed };
  });
}
const errors = (schemaType: string, level: CompatibilityLevel, next: string, prev: PreviousSchema[]): string[] => compatibilityErrors(level, { schemaType, parsed: parseSchema(schemaType, next, []) }, prev);

function table(schemaType: string, base: string, cases: Record<string, Case>): void {
  for (const [name, [next, backward, forward]] of Object.entries(cases)) {
    it(`${schemaType}: ${name}: backward ${backward}, forward ${forward}, full ${backward && forward}, at every level`, () => {
      const expected: Record<CompatibilityLevel, boolean> = {
        NONE: true,
        BACKWARD: backward,
        BACKWARD_TRANSITIVE: backward,
        FORWARD: forward,
        FORWARD_TRANSITIVE: forward,
        FULL: backward && forward,
        FULL_TRANSITIVE: backward && forward,
      };
      for (const level of COMPATIBILITY_LEVELS) assert.equal(errors(schemaType, level, next, previous(schemaType, base)).length === 0, expected[level], `${level}: ${errors(schemaType, level, next, previous(schemaType, base)).join(' | ')}`);
    });
  }
}

describe('JSON Schema and Protobuf compatibility (Confluent\'s rules)', () => {
  table('JSON', JSON_BASE, JSON_CASES);
  table('PROTOBUF', PROTO_BASE, PROTO_CASES);

  it('the transitive levels check every earlier version (JSON: a number narrowed to integer two versions back)', () => {
    const v1 = closed({ age: { type: 'number' } });
    const v2 = closed({});
    const v3 = closed({});
    assert.deepEqual(errors('JSON', 'BACKWARD', v3, previous('JSON', v1, v2)), []);
    assert.notDeepEqual(errors('JSON', 'BACKWARD_TRANSITIVE', v3, previous('JSON', v1, v2)), []);
  });

  it('verbose messages are Confluent\'s (JSON)', () => {
    const prev = previous('JSON', JSON_BASE);
    assert.deepEqual(errors('JSON', 'BACKWARD', JSON_CASES['remove a property from a closed content model']?.[0] ?? '', prev), [
      `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/age' in the old schema'}`,
      '{oldSchemaVersion: 1}',
      `{oldSchema: '${prev[0]?.canonical}'}`,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ]);
    assert.deepEqual(errors('JSON', 'FORWARD', JSON_CASES['add an optional property to a closed content model']?.[0] ?? '', prev).slice(0, 1), [
      `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed content model and is missing a property or item present at path '#/properties/email' in the new schema'}`,
    ]);
    assert.deepEqual(errors('JSON', 'BACKWARD', JSON_CASES['make a property required']?.[0] ?? '', prev).slice(0, 1), [
      `{errorType:"REQUIRED_ATTRIBUTE_ADDED", description:"The keyword at path '#/required/age' in the new schema is not present in the old schema'}`,
    ]);
    assert.deepEqual(errors('JSON', 'BACKWARD', JSON_CASES['change a type (integer to string)']?.[0] ?? '', prev).slice(0, 1), [
      `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/age' is different between the new schema and the old schema'}`,
    ]);
    // An open content model: adding a property is not backward compatible (old data may hold it with any type).
    const open = previous('JSON', obj({ name: NAME }));
    assert.deepEqual(errors('JSON', 'BACKWARD', obj({ name: NAME, age: AGE }), open).slice(0, 1), [
      `{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/age' which is missing in the old schema'}`,
    ]);
  });

  it('verbose messages are Confluent\'s (Protobuf)', () => {
    const prev = previous('PROTOBUF', PROTO_BASE);
    assert.deepEqual(errors('PROTOBUF', 'BACKWARD', PROTO_CASES['remove a message']?.[0] ?? '', prev), [
      `{errorType:"MESSAGE_REMOVED", description:"The new schema is missing a MESSAGE type at path '#/Address' in the old schema"}`,
      '{oldSchemaVersion: 1}',
      `{oldSchema: '${prev[0]?.canonical}'}`,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ]);
    assert.equal(errors('PROTOBUF', 'BACKWARD', PROTO_CASES['remove a member of a oneof']?.[0] ?? '', prev)[0], `{errorType:"ONEOF_FIELD_REMOVED", description:"The new schema is missing a oneof field at path '#/User/contact/4' in the old schema"}`);
    assert.equal(errors('PROTOBUF', 'FULL', PROTO_CASES['change the package']?.[0] ?? '', prev)[0], `{errorType:"PACKAGE_CHANGED", description:"The package at '#/' in the old schema does not match the package in the new schema"}`);
    assert.equal(errors('PROTOBUF', 'BACKWARD', PROTO_CASES['move a field into an existing oneof']?.[0] ?? '', prev)[0], `{errorType:"FIELD_MOVED_TO_EXISTING_ONEOF", description:"A field in the oneof at path '#/User/contact' in the new schema is outside an existing oneof in the old schema"}`);
    assert.equal(errors('PROTOBUF', 'BACKWARD', PROTO_CASES['change a scalar to a message']?.[0] ?? '', prev)[0], `{errorType:"FIELD_KIND_CHANGED", description:"The type of a field at path '#/User/2' in the new schema does not match the old schema"}`);
  });

  it('a message field whose type changes incompatibly is itself reported; enums count as int-like scalars', () => {
    const withEnum = proto('message M {\n  Inner inner = 1;\n  Color c = 2;\n}\nmessage Inner {\n  int32 v = 1;\n}\nenum Color {\n  RED = 0;\n}');
    const changed = proto('message M {\n  Inner inner = 1;\n  int32 c = 2;\n}\nmessage Inner {\n  string v = 1;\n}\nenum Color {\n  RED = 0;\n}');
    const out = errors('PROTOBUF', 'BACKWARD', changed, previous('PROTOBUF', withEnum));
    assert.ok(out.some((m) => m.includes('FIELD_NAMED_TYPE_CHANGED') && m.includes("'#/M/1'")), out.join('\n'));
    assert.ok(!out.some((m) => m.includes("'#/M/2'")), 'enum to int32 is compatible');
    // Labels are compared only where both fields have one (a plain proto3 field has none).
    const optional = previous('PROTOBUF', proto('message M {\n  optional int32 v = 1;\n}'));
    assert.equal(errors('PROTOBUF', 'BACKWARD', proto('message M {\n  repeated int32 v = 1;\n}'), optional)[0], `{errorType:"FIELD_NUMERIC_LABEL_CHANGED", description:"The label for a NUMERIC field at path '#/M/1' in the new schema does not match its label in the old schema"}`);
    assert.deepEqual(errors('PROTOBUF', 'BACKWARD', proto('message M {\n  repeated string v = 1;\n}'), previous('PROTOBUF', proto('message M {\n  optional string v = 1;\n}'))), []);
    assert.deepEqual(errors('PROTOBUF', 'BACKWARD', proto('message M {\n  repeated int32 v = 1;\n}'), previous('PROTOBUF', proto('message M {\n  int32 v = 1;\n}'))), []);
  });

  it('references: each version is compared with the referenced schemas it names (a $ref, an import)', () => {
    const compare = (schemaType: string, text: string, oldRef: string, newRef: string, name: string): string[] => {
      const old = parseSchema(schemaType, text, [{ name, schema: oldRef }]);
      const next = parseSchema(schemaType, text, [{ name, schema: newRef }]);
      return compatibilityErrors('BACKWARD', { schemaType, parsed: next }, [{ version: 1, canonical: old.canonical, schemaType, parsed: old }]);
    };
    const zip = (type: string): string => JSON.stringify({ type: 'object', properties: { zip: { type } } });
    const jsonOut = compare('JSON', JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } }), zip('integer'), zip('string'), 'address.json');
    assert.equal(jsonOut[0], `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/home/properties/zip' is different between the new schema and the old schema'}`);
    const address = (type: string): string => `syntax = "proto3";\npackage com.example;\nmessage Address {\n  ${type} zip = 1;\n}\n`;
    const protoOut = compare('PROTOBUF', 'syntax = "proto3";\npackage com.example;\nimport "address.proto";\nmessage Customer {\n  Address home = 1;\n}\n', address('int32'), address('string'), 'address.proto');
    assert.ok(protoOut.some((m) => m.includes('FIELD_SCALAR_KIND_CHANGED')) && protoOut.some((m) => m.includes('FIELD_NAMED_TYPE_CHANGED') && m.includes("'#/Customer/1'")), protoOut.join('\n'));
  });

  it('stored forms: JSON keeps key order, normalize sorts it; Protobuf is re-printed, normalize sorts fields by number', () => {
    assert.equal(parseSchema('JSON', '{ "type": "object",\n "properties": {"b": {}, "a": {}} }', []).canonical, '{"type":"object","properties":{"b":{},"a":{}}}');
    assert.equal(parseSchema('JSON', '{ "type": "object", "properties": {"b": {}, "a": {}} }', [], true).canonical, '{"properties":{"a":{},"b":{}},"type":"object"}');
    const text = 'syntax = "proto3"; /* c */ package p; message M { int32 b = 2; int32 a = 1; }';
    assert.equal(parseSchema('PROTOBUF', text, []).canonical, 'syntax = "proto3";\npackage p;\n\nmessage M {\n  int32 b = 2;\n  int32 a = 1;\n}\n');
    assert.equal(parseSchema('PROTOBUF', text, [], true).canonical, 'syntax = "proto3";\npackage p;\n\nmessage M {\n  int32 a = 1;\n  int32 b = 2;\n}\n');
  });
});
