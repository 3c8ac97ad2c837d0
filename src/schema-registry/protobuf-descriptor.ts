/**
 * Protobuf schemas as serialized descriptors, the other form Confluent's registry speaks:
 * confluent-kafka-python's ProtobufSerializer registers a schema as a base64 FileDescriptorProto,
 * and its deserializer asks for schemas with `?format=serialized`. A descriptor is printed as .proto
 * text on the way in (then parsed and stored like any other Protobuf schema); on the way out the
 * parsed schema is written as a FileDescriptorProto, as protoc would write it (a map field as a
 * repeated nested `…Entry` message with map_entry set, a proto3 `optional` field in its synthetic
 * oneof `_name`).
 *
 * The descriptor messages are protobufjs's (its descriptor extension); the conversion both ways is
 * done here, from and to plain descriptor objects, so map entries and synthetic oneofs come out as
 * protoc and Confluent have them.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** A field's label as written: 'repeated', 'required', or undefined (protobufjs keeps it untyped). */
export const ruleOf = (f: protobuf.Field): string | undefined => (f as unknown as { rule?: string }).rule;

/** What a FileDescriptorProto is written from (a ParsedProtobuf). */
export interface DescribedFile {
  readonly packageName: string;
  readonly syntax: string;
  readonly imports: readonly string[];
  readonly types: readonly (protobuf.Type | protobuf.Enum)[];
}
let fileDescriptorProto: protobuf.Type | undefined;
function descriptorType(): protobuf.Type {
  fileDescriptorProto ??= (require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type }).FileDescriptorProto;
  return fileDescriptorProto;
}

// FieldDescriptorProto.Type, by number.
const TYPE_NAMES = ['', 'double', 'float', 'int64', 'uint64', 'int32', 'fixed64', 'fixed32', 'bool', 'string', 'group', 'message', 'bytes', 'uint32', 'enum', 'sfixed32', 'sfixed64', 'sint32', 'sint64'];
const LABELS = ['', 'optional', 'required', 'repeated'];

interface FieldD { name: string; number: number; label?: number; type?: number; typeName?: string; oneofIndex?: number; defaultValue?: string; options?: { packed?: boolean; deprecated?: boolean } }
interface MessageD { name: string; field?: FieldD[]; nestedType?: MessageD[]; enumType?: EnumD[]; oneofDecl?: { name: string }[]; options?: { mapEntry?: boolean }; reservedRange?: { start: number; end: number }[]; reservedName?: string[] }
interface EnumD { name: string; value?: { name: string; number: number }[] }
interface ServiceD { name: string; method?: { name: string; inputType: string; outputType: string; clientStreaming?: boolean; serverStreaming?: boolean }[] }
interface FileD { name?: string; package?: string; dependency?: string[]; messageType?: MessageD[]; enumType?: EnumD[]; service?: ServiceD[]; syntax?: string }

const indent = (block: string): string => block.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');

/** The .proto text of a base64 FileDescriptorProto, or null when `schema` is not one. */
export function descriptorText(schema: string): string | null {
  const trimmed = schema.trim();
  if (trimmed === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return null;
  let file: FileD;
  try {
    const t = descriptorType();
    file = t.toObject(t.decode(Buffer.from(trimmed, 'base64')), { enums: Number, longs: Number, arrays: true }) as FileD;
  } catch {
    return null;
  }
  const proto3 = file.syntax === 'proto3';
  let out = `syntax = "${proto3 ? 'proto3' : 'proto2'}";\n`;
  if (file.package !== undefined && file.package !== '') out += `package ${file.package};\n`;
  if ((file.dependency ?? []).length > 0) out += '\n' + (file.dependency ?? []).map((d) => `import "${d}";\n`).join('');
  const messages = (file.messageType ?? []).map((m) => messageText(m, proto3)).join('');
  const enums = (file.enumType ?? []).map(enumText).join('');
  if (messages + enums !== '') out += '\n' + messages + enums;
  const services = (file.service ?? []).map((s) => `service ${s.name} {\n${indent((s.method ?? []).map((m) => `rpc ${m.name} (${m.clientStreaming === true ? 'stream ' : ''}${m.inputType}) returns (${m.serverStreaming === true ? 'stream ' : ''}${m.outputType});\n`).join(''))}}\n`).join('');
  if (services !== '') out += '\n' + services;
  return out;
}

function messageText(m: MessageD, proto3: boolean): string {
  const fields = m.field ?? [];
  const entries = new Map((m.nestedType ?? []).filter((n) => n.options?.mapEntry === true).map((n) => [n.name, n]));
  const oneofs = m.oneofDecl ?? [];
  // protoc's synthetic oneof for a proto3 `optional` field: `_name`, holding only that field.
  const synthetic = (i: number | undefined): boolean => {
    if (i === undefined) return false;
    const members = fields.filter((f) => f.oneofIndex === i);
    return members.length === 1 && oneofs[i]?.name === `_${members[0]?.name ?? ''}`;
  };
  const fieldText = (f: FieldD, inOneof: boolean): string => {
    const entryName = f.typeName?.split('.').at(-1) ?? '';
    const entry = f.label === 3 && f.type === 11 ? entries.get(entryName) : undefined;
    let type = f.type === 11 || f.type === 14 || f.type === 10 ? f.typeName ?? '' : TYPE_NAMES[f.type ?? 0] ?? '';
    let label = inOneof ? '' : LABELS[f.label ?? 1] ?? '';
    if (entry !== undefined) {
      const [k, v] = [entry.field?.find((x) => x.number === 1), entry.field?.find((x) => x.number === 2)];
      type = `map<${TYPE_NAMES[k?.type ?? 9]}, ${v?.type === 11 || v?.type === 14 ? v.typeName : TYPE_NAMES[v?.type ?? 9]}>`;
      label = '';
    } else if (label === 'optional' && proto3 && !synthetic(f.oneofIndex)) {
      label = '';
    }
    const opts = [...(f.options?.packed !== undefined ? [`packed = ${f.options.packed}`] : []), ...(f.options?.deprecated === true ? ['deprecated = true'] : []), ...(f.defaultValue !== undefined ? [`default = ${f.type === 9 || f.type === 12 ? JSON.stringify(f.defaultValue) : f.defaultValue}`] : [])];
    return `${label === '' ? '' : `${label} `}${type} ${f.name} = ${f.number}${opts.length > 0 ? ` [${opts.join(', ')}]` : ''};\n`;
  };
  const body: string[] = [];
  const reserved = [...(m.reservedRange ?? []).map((r) => (r.end - 1 === r.start ? String(r.start) : `${r.start} to ${r.end - 1}`)), ...(m.reservedName ?? []).map((n) => JSON.stringify(n))];
  if (reserved.length > 0) body.push(reserved.map((r) => `reserved ${r};\n`).join(''));
  const plain = fields.filter((f) => f.oneofIndex === undefined || synthetic(f.oneofIndex));
  if (plain.length > 0) body.push(plain.map((f) => fieldText(f, false)).join(''));
  const real = oneofs.map((o, i) => [o, i] as const).filter(([, i]) => !synthetic(i));
  if (real.length > 0) body.push(real.map(([o, i]) => `oneof ${o.name} {\n${indent(fields.filter((f) => f.oneofIndex === i).map((f) => fieldText(f, true)).join(''))}}\n`).join(''));
  const nested = (m.nestedType ?? []).filter((n) => n.options?.mapEntry !== true).map((n) => messageText(n, proto3)).join('') + (m.enumType ?? []).map(enumText).join('');
  if (nested !== '') body.push(nested);
  return `message ${m.name} {${body.map((b) => '\n' + indent(b)).join('')}}\n`;
}

function enumText(e: EnumD): string {
  return `enum ${e.name} {\n${indent((e.value ?? []).map((v) => `${v.name} = ${v.number};\n`).join(''))}}\n`;
}

// ---- out: the parsed schema as a FileDescriptorProto ----

const TYPE_NUMBERS = new Map(TYPE_NAMES.map((n, i) => [n, i]));

function fieldDescriptor(f: protobuf.Field, oneofIndex: number | undefined, proto3: boolean, entryName?: string): FieldD {
  const resolved = f.resolvedType;
  const d: FieldD = { name: f.name, number: f.id, label: ruleOf(f) === 'repeated' ? 3 : ruleOf(f) === 'required' ? 2 : 1 };
  if (entryName !== undefined) {
    d.label = 3;
    d.type = 11;
    d.typeName = entryName;
  } else if (resolved instanceof protobuf.Type || resolved instanceof protobuf.Enum) {
    d.type = resolved instanceof protobuf.Type ? 11 : 14;
    d.typeName = resolved.fullName;
  } else {
    d.type = TYPE_NUMBERS.get(f.type) ?? 9;
  }
  if (oneofIndex !== undefined) d.oneofIndex = oneofIndex;
  if (proto3 && d.label === 3 && f.options?.['packed'] === false) d.options = { packed: false };
  return d;
}

function messageDescriptor(t: protobuf.Type, proto3: boolean): MessageD {
  const oneofs = t.oneofsArray;
  const nestedType: MessageD[] = [];
  const field = t.fieldsArray.map((f) => {
    const oneof = f.partOf === null ? undefined : oneofs.indexOf(f.partOf);
    if (!(f instanceof protobuf.MapField)) return fieldDescriptor(f, oneof, proto3);
    const entry = `${f.name.split('_').map((p) => (p === '' ? '' : p[0]?.toUpperCase() + p.slice(1))).join('')}Entry`;
    const key: FieldD = { name: 'key', number: 1, label: 1, type: TYPE_NUMBERS.get(f.keyType) ?? 9 };
    const value = fieldDescriptor(f, undefined, proto3);
    nestedType.push({ name: entry, field: [key, { ...value, name: 'value', number: 2, label: 1 }], options: { mapEntry: true } });
    return fieldDescriptor(f, undefined, proto3, `${t.fullName}.${entry}`);
  });
  for (const n of t.nestedArray) if (n instanceof protobuf.Type) nestedType.push(messageDescriptor(n, proto3));
  const enumType = t.nestedArray.filter((n): n is protobuf.Enum => n instanceof protobuf.Enum).map(enumDescriptor);
  return { name: t.name, field, nestedType, enumType, oneofDecl: oneofs.map((o) => ({ name: o.name })) };
}

function enumDescriptor(e: protobuf.Enum): EnumD {
  return { name: e.name, value: Object.entries(e.values).map(([name, number]) => ({ name, number })) };
}

/** The schema as a base64 FileDescriptorProto named `name` (`?format=serialized`). */
export function serializedDescriptor(parsed: DescribedFile, name: string): string {
  const proto3 = parsed.syntax === 'proto3';
  const file: FileD = {
    name,
    ...(parsed.packageName === '' ? {} : { package: parsed.packageName }),
    dependency: [...parsed.imports],
    messageType: parsed.types.filter((t): t is protobuf.Type => t instanceof protobuf.Type).map((t) => messageDescriptor(t, proto3)),
    enumType: parsed.types.filter((t): t is protobuf.Enum => t instanceof protobuf.Enum).map(enumDescriptor),
    ...(proto3 ? { syntax: 'proto3' } : {}),
  };
  const t = descriptorType();
  return Buffer.from(t.encode(t.fromObject(file)).finish()).toString('base64');
}
