/**
 * Protobuf payloads and forms: Confluent's message indexes (the single 0 shortcut, nested
 * messages, zigzag varints), the strict wire walk the validator runs before decoding, and the
 * base64 FileDescriptorProto form going in and out.
 */
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { serializedDescriptor, descriptorText } from './protobuf-descriptor.js';
import { parseProtobuf, protobufPayloadError, messageAt } from './protobuf-schema.js';

const TEXT = 'syntax = "proto3";\npackage com.example;\n\nmessage A {\n  string s = 1;\n  repeated int32 n = 2;\n  map<string, B> m = 3;\n  optional bool o = 4;\n\n  oneof x {\n    string y = 5;\n  }\n\n  message Inner {\n    int64 v = 1;\n  }\n}\nmessage B {\n  double d = 1;\n}\n';
const parsed = parseProtobuf(TEXT);
const typeOf = (name: string): protobuf.Type => parsed.root.lookupType(name);
/** Confluent's framing after the id: zigzag varint count, zigzag varint indexes. */
const framed = (indexes: number[], message: Uint8Array): Buffer => {
  const zz = (n: number): number => (n << 1) ^ (n >> 31);
  const head = indexes.length === 1 && indexes[0] === 0 ? [0] : [zz(indexes.length), ...indexes.map(zz)];
  return Buffer.concat([Buffer.from(head), message]);
};

describe('Protobuf payloads and descriptors', () => {
  it('message indexes: [0] as the single byte 0, [1] for the second message, [0, 0] for a nested one', () => {
    const a = typeOf('com.example.A').encode({ s: 'x', n: [1, 2, 3], m: { k: { d: 1.5 } } }).finish();
    assert.equal(protobufPayloadError(parsed, framed([0], a)), null);
    const b = typeOf('com.example.B').encode({ d: 2.5 }).finish();
    const atB = messageAt(parsed, framed([1], b));
    assert.ok(typeof atB !== 'string' && atB.type.name === 'B');
    assert.equal(protobufPayloadError(parsed, framed([1], b)), null);
    const inner = typeOf('com.example.A.Inner').encode({ v: 7 }).finish();
    const atInner = messageAt(parsed, framed([0, 0], inner));
    assert.ok(typeof atInner !== 'string' && atInner.type.name === 'Inner');
    assert.match(protobufPayloadError(parsed, framed([2], b)) ?? '', /indexes \[2\] name no message/);
  });

  it('the wire walk refuses truncation, wrong wire types (nested too), bad map entries, and accepts unknown fields', () => {
    const a = typeOf('com.example.A').encode({ s: 'hello' }).finish();
    assert.match(protobufPayloadError(parsed, framed([0], a.subarray(0, a.length - 2))) ?? '', /runs past the end/);
    assert.match(protobufPayloadError(parsed, framed([0], Buffer.from([0x0d, 1, 2, 3, 4]))) ?? '', /field 1 \(s, string\) has wire type 32-bit/);
    // Field 3 (map<string, B>): an entry whose value B has d (double) written as a varint.
    const entry = Buffer.from([0x0a, 0x01, 0x6b, 0x12, 0x02, 0x08, 0x01]);
    assert.match(protobufPayloadError(parsed, framed([0], Buffer.concat([Buffer.from([0x1a, entry.length]), entry]))) ?? '', /field 1 \(d, double\) has wire type varint/);
    // Packed repeated int32 (field 2) and an unknown field 9 (varint) pass.
    assert.equal(protobufPayloadError(parsed, framed([0], Buffer.from([0x12, 0x03, 1, 2, 3, 0x48, 0x05]))), null);
    assert.match(protobufPayloadError(parsed, framed([0], Buffer.from([0x0f]))) ?? '', /wire type 7/);
  });

  it('a base64 FileDescriptorProto is read as its .proto text, and ?format=serialized writes one back (map entries, proto3 optional, oneofs as protoc has them)', () => {
    const b64 = serializedDescriptor(parsed, 'a.proto');
    // The same file back, but for the type names a descriptor holds fully qualified.
    assert.equal(descriptorText(b64), parsed.canonical.replace('map<string, B>', 'map<string, .com.example.B>'));
    const again = parseProtobuf(b64);
    assert.deepEqual(again.types.map((t) => t.fullName), parsed.types.map((t) => t.fullName));
    assert.equal(protobufPayloadError(again, framed([1], typeOf('com.example.B').encode({ d: 1 }).finish())), null);
    assert.equal(descriptorText('syntax = "proto3";'), null);
  });
});
