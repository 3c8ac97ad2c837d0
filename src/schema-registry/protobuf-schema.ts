/**
 * Protobuf schemas for the registry (schemaType "PROTOBUF"): parsing .proto text with protobufjs
 * (imports resolved through the references by their names, and Google's well-known types), the
 * stored form, and payload decoding for the broker-side validator.
 *
 * The stored form plays the part of Confluent's `ProtobufSchema.canonicalString()`: the file
 * re-printed from its parsed elements (syntax, package, imports, options, then messages before
 * enums, then services; in a message its fields, then oneofs, then nested messages and enums), so
 * comments and whitespace do not make a new id. Declaration order is kept, as Confluent keeps it:
 * message indexes in the wire format count messages in that order. With `normalize` fields are
 * sorted by number and imports by name, as Confluent's normalize() does.
 */
import protobuf from 'protobufjs';
import { descriptorText, ruleOf } from './protobuf-descriptor.js';
import { protobufWireError } from './protobuf-wire.js';

export class ProtobufParseError extends Error {}

export interface NamedText {
  readonly name: string;
  readonly schema: string;
}

export interface ParsedProtobuf {
  readonly schemaType: 'PROTOBUF';
  readonly canonical: string;
  readonly packageName: string;
  /** 'proto2' or 'proto3' (a file without `syntax` is proto2). */
  readonly syntax: string;
  readonly imports: readonly string[];
  /** Every definition of the schema and its references, resolved. */
  readonly root: protobuf.Root;
  /** The schema's own top-level messages and enums, in declaration order, resolved. */
  readonly types: readonly (protobuf.Type | protobuf.Enum)[];
}

const OPTIONS = { keepCase: true, alternateCommentMode: false };

export function parseProtobuf(schema: string, references: readonly NamedText[] = [], normalize = false): ParsedProtobuf {
  // Confluent also takes a base64 FileDescriptorProto (what confluent-kafka-python's serializer sends).
  const text = descriptorText(schema) ?? schema;
  let own: protobuf.IParserResult;
  const root = new protobuf.Root();
  try {
    own = protobuf.parse(text, new protobuf.Root(), OPTIONS);
    const known = new Set(references.map((r) => r.name));
    const wellKnown = new Set<string>();
    const files = [...references.map((r) => protobuf.parse(descriptorText(r.schema) ?? r.schema, root, OPTIONS)), protobuf.parse(text, root, OPTIONS)];
    for (const f of files) {
      for (const imp of [...(f.imports ?? []), ...(f.weakImports ?? [])]) {
        if (known.has(imp) || wellKnown.has(imp)) continue;
        const common = protobuf.common.get(imp) as protobuf.INamespace | null;
        if (common === null || common === undefined) throw new ProtobufParseError(`import "${imp}" is neither a reference of the schema nor a well-known type`);
        wellKnown.add(imp);
        root.addJSON(common.nested ?? {});
      }
    }
    root.resolveAll();
  } catch (e) {
    if (e instanceof ProtobufParseError) throw e;
    throw new ProtobufParseError(e instanceof Error ? e.message : String(e));
  }
  const packageName = own.package ?? '';
  const ownNs = packageName === '' ? own.root : (own.root.lookup(packageName) as protobuf.Namespace);
  const ownTypes = ownNs.nestedArray.filter((n) => n instanceof protobuf.Type || n instanceof protobuf.Enum);
  const syntax = syntaxOf(text);
  return {
    schemaType: 'PROTOBUF',
    canonical: renderFile({ syntax, packageName, imports: own.imports ?? [], weakImports: own.weakImports ?? [] }, ownNs, normalize),
    packageName,
    syntax: syntax ?? 'proto2',
    imports: own.imports ?? [],
    root,
    types: ownTypes.map((t) => root.lookup(t.fullName) as protobuf.Type | protobuf.Enum),
  };
}

// ---- the stored form ----

function syntaxOf(text: string): string | null {
  const m = /^\s*syntax\s*=\s*["'](proto[23])["']\s*;/m.exec(text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, ''));
  return m?.[1] ?? null;
}

interface FileHeader {
  readonly syntax: string | null;
  readonly packageName: string;
  readonly imports: readonly string[];
  readonly weakImports: readonly string[];
}

/** The .proto text of a file: its header and the definitions in `ns` (its package's namespace). */
function renderFile(header: FileHeader, ns: protobuf.Namespace, normalize: boolean): string {
  const syntax = header.syntax;
  let out = '';
  if (syntax !== null) out += `syntax = "${syntax}";\n`;
  if (header.packageName !== '') out += `package ${header.packageName};\n`;
  let imports = [...header.imports];
  if (normalize) imports = [...new Set(imports)].sort();
  if (imports.length > 0 || header.weakImports.length > 0) {
    out += '\n' + imports.map((i) => `import "${i}";\n`).join('') + header.weakImports.map((i) => `import weak "${i}";\n`).join('');
  }
  const options = Object.entries(ns.options ?? {});
  if (options.length > 0) out += '\n' + options.map(([k, v]) => `option ${k} = ${optionValue(v)};\n`).join('');
  const ctx = { proto2: syntax !== 'proto3', normalize };
  const types = ns.nestedArray;
  const messages = types.filter((t): t is protobuf.Type => t instanceof protobuf.Type);
  const enums = types.filter((t): t is protobuf.Enum => t instanceof protobuf.Enum);
  if (messages.length + enums.length > 0) out += '\n' + messages.map((m) => renderMessage(m, ctx)).join('') + enums.map(renderEnum).join('');
  const services = types.filter((t): t is protobuf.Service => t instanceof protobuf.Service);
  if (services.length > 0) out += '\n' + services.map(renderService).join('');
  return out;
}

const indent = (block: string): string => block.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');

function optionValue(v: unknown): string {
  if (typeof v === 'string') return /^[A-Z_][A-Z0-9_]*$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

function renderMessage(m: protobuf.Type, ctx: { proto2: boolean; normalize: boolean }): string {
  let out = `message ${m.name} {`;
  const body: string[] = [];
  const reserved = (m.reserved ?? []).map((r) => (typeof r === 'string' ? JSON.stringify(r) : r[0] === r[1] ? String(r[0]) : `${r[0]} to ${r[1] === 0x1fffffff ? 'max' : r[1]}`));
  if (reserved.length > 0) body.push(reserved.map((r) => `reserved ${r};\n`).join(''));
  const options = Object.entries(m.options ?? {});
  if (options.length > 0) body.push(options.map(([k, v]) => `option ${k} = ${optionValue(v)};\n`).join(''));
  const realOneofs = m.oneofsArray.filter((o) => !isSyntheticOneof(o));
  let fields = m.fieldsArray.filter((f) => f.partOf === null || isSyntheticOneof(f.partOf));
  if (ctx.normalize) fields = [...fields].sort((a, b) => a.id - b.id);
  if (fields.length > 0) body.push(fields.map((f) => renderField(f, ctx, false)).join(''));
  if (realOneofs.length > 0) {
    body.push(realOneofs.map((o) => {
      let members = o.fieldsArray;
      if (ctx.normalize) members = [...members].sort((a, b) => a.id - b.id);
      return `oneof ${o.name} {\n${indent(members.map((f) => renderField(f, ctx, true)).join(''))}}\n`;
    }).join(''));
  }
  const nested = m.nestedArray;
  const messages = nested.filter((t): t is protobuf.Type => t instanceof protobuf.Type);
  const enums = nested.filter((t): t is protobuf.Enum => t instanceof protobuf.Enum);
  if (messages.length + enums.length > 0) body.push(messages.map((n) => renderMessage(n, ctx)).join('') + enums.map(renderEnum).join(''));
  out += body.map((b) => '\n' + indent(b)).join('');
  return `${out}}\n`;
}

function isSyntheticOneof(o: protobuf.OneOf): boolean {
  return o.fieldsArray.length === 1 && o.fieldsArray[0]?.options?.['proto3_optional'] === true;
}

function renderField(f: protobuf.Field, ctx: { proto2: boolean }, inOneof: boolean): string {
  const map = f instanceof protobuf.MapField;
  let label = '';
  if (!map && !inOneof) {
    if (ruleOf(f) === 'repeated' || ruleOf(f) === 'required') label = `${ruleOf(f) ?? ''} `;
    else if (f.options?.['proto3_optional'] === true || ctx.proto2) label = 'optional ';
  }
  const type = map ? `map<${(f as protobuf.MapField).keyType}, ${f.type}>` : f.type;
  const opts = Object.entries(f.options ?? {}).filter(([k]) => k !== 'proto3_optional');
  const optText = opts.length === 0 ? '' : ` [${opts.map(([k, v]) => `${k} = ${k === 'default' && f.type !== 'string' && f.type !== 'bytes' ? String(v) : optionValue(v)}`).join(', ')}]`;
  return `${label}${type} ${f.name} = ${f.id}${optText};\n`;
}

function renderEnum(e: protobuf.Enum): string {
  const options = Object.entries(e.options ?? {}).map(([k, v]) => `option ${k} = ${optionValue(v)};\n`).join('');
  const values = Object.entries(e.values).map(([k, v]) => `${k} = ${v};\n`).join('');
  return `enum ${e.name} {\n${indent(options + values)}}\n`;
}

function renderService(s: protobuf.Service): string {
  const rpcs = s.methodsArray.map((m) => `rpc ${m.name} (${m.requestStream === true ? 'stream ' : ''}${m.requestType}) returns (${m.responseStream === true ? 'stream ' : ''}${m.responseType});\n`).join('');
  return `service ${s.name} {\n${indent(rpcs)}}\n`;
}

// ---- the wire format ----

/**
 * Confluent's Protobuf framing after the schema id: the message indexes (a zigzag varint count,
 * then that many zigzag varint indexes; a single 0 byte stands for [0], the first message), then
 * the message. Returns the message type and where its bytes start, or the reason it cannot.
 */
export function messageAt(parsed: ParsedProtobuf, payload: Buffer): { type: protobuf.Type; offset: number } | string {
  let offset = 0;
  const next = (): number | null => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (offset >= payload.length) return null;
      const b = payload[offset++] as number;
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (result >>> 1) ^ -(result & 1);
    }
    return null;
  };
  const count = next();
  if (count === null || count < 0 || count > 100) return 'its message indexes are malformed';
  const indexes = count === 0 ? [0] : [];
  for (let i = 0; i < count; i++) {
    const n = next();
    if (n === null || n < 0) return 'its message indexes are malformed';
    indexes.push(n);
  }
  let candidates = parsed.types.filter((t): t is protobuf.Type => t instanceof protobuf.Type);
  let type: protobuf.Type | undefined;
  for (const i of indexes) {
    type = candidates[i];
    if (type === undefined) return `its message indexes [${indexes.join(', ')}] name no message of the schema`;
    candidates = type.nestedArray.filter((t): t is protobuf.Type => t instanceof protobuf.Type);
  }
  if (type === undefined) return 'the schema has no message';
  return { type, offset };
}

/** Whether `payload` (after the schema id) is one message of the schema. Null when it is, else the reason. */
export function protobufPayloadError(parsed: ParsedProtobuf, payload: Buffer): string | null {
  const at = messageAt(parsed, payload);
  if (typeof at === 'string') return `Protobuf payload: ${at}`;
  const wire = protobufWireError(at.type, payload, at.offset);
  if (wire !== null) return `Protobuf payload does not decode as ${at.type.fullName.replace(/^\./, '')}: ${wire}`;
  try {
    at.type.decode(payload.subarray(at.offset)); // proto2's required fields
    return null;
  } catch (e) {
    return `Protobuf payload does not decode as ${at.type.fullName.replace(/^\./, '')}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
