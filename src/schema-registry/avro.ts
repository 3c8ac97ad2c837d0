/**
 * Avro schemas for the registry: parsing (avsc, with the named types of referenced schemas in
 * scope), the stored form, and payload decoding for the broker-side validator.
 *
 * The stored form plays the part of Avro Java's `Schema.toString()` in Confluent's registry: one
 * compact JSON text per schema, whatever whitespace or key order the client sent, so equal schemas
 * get equal ids. Keys are written in Avro Java's order (type, name, doc, fields/symbols/items/
 * values/size, default, then other attributes such as logicalType, then aliases); names are fully
 * qualified, and a named type already written is referred to by its full name. Attributes we do not
 * know (logicalType, connect.*, …) are kept, so nothing a client put in the schema is lost.
 */
import avsc from 'avsc';

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const NAMED = new Set(['record', 'error', 'enum', 'fixed']);

export interface ParsedAvro {
  /** The stored form (see the header). */
  readonly canonical: string;
  readonly type: avsc.Type;
}

export class AvroParseError extends Error {}

/**
 * Parses `text` with the schemas it references (in dependency order, their texts) in scope.
 * Throws AvroParseError with avsc's (or JSON's) reason.
 */
export function parseAvro(text: string, references: readonly string[] = []): ParsedAvro {
  const registry: Record<string, avsc.Type> = {};
  const refNames = new Set<string>();
  for (const ref of references) {
    const json = parseJson(ref);
    avsc.Type.forSchema(json as avsc.Schema, { registry, noAnonymousTypes: true });
  }
  for (const n of Object.keys(registry)) refNames.add(n);
  const json = parseJson(text);
  let type: avsc.Type;
  try {
    type = avsc.Type.forSchema(json as avsc.Schema, { registry, noAnonymousTypes: true });
  } catch (e) {
    throw new AvroParseError(e instanceof Error ? e.message : String(e));
  }
  return { canonical: JSON.stringify(canonicalJson(json, '', new Set(refNames))), type };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new AvroParseError(e instanceof Error ? e.message : String(e));
  }
}

const qualify = (name: string, ns: string): string => (name.includes('.') || ns === '' ? name : `${ns}.${name}`);

/** The stored form of one schema node, within namespace `ns`; `defined` holds named types seen. */
function canonicalJson(node: unknown, ns: string, defined: Set<string>): unknown {
  if (typeof node === 'string') return PRIMITIVES.has(node) ? node : qualify(node, ns);
  if (Array.isArray(node)) return node.map((n) => canonicalJson(n, ns, defined));
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  const t = o['type'];
  if (typeof t !== 'string') return canonicalJson(t, ns, defined);
  if (PRIMITIVES.has(t)) {
    const rest = withoutKeys(o, ['type']);
    return Object.keys(rest).length === 0 ? t : { type: t, ...rest };
  }
  if (t === 'array') return { type: t, items: canonicalJson(o['items'], ns, defined), ...withoutKeys(o, ['type', 'items']) };
  if (t === 'map') return { type: t, values: canonicalJson(o['values'], ns, defined), ...withoutKeys(o, ['type', 'values']) };
  if (!NAMED.has(t)) return qualify(t, ns);
  const name = String(o['name'] ?? '');
  const full = qualify(name, name.includes('.') ? '' : typeof o['namespace'] === 'string' ? o['namespace'] : ns);
  defined.add(full);
  const inner = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
  const out: Record<string, unknown> = { type: t, name: full };
  if (o['doc'] !== undefined) out['doc'] = o['doc'];
  if (t === 'record' || t === 'error') {
    const fields = Array.isArray(o['fields']) ? (o['fields'] as Record<string, unknown>[]) : [];
    out['fields'] = fields.map((f) => {
      const field: Record<string, unknown> = { name: f['name'], type: canonicalJson(f['type'], inner, defined) };
      for (const k of ['doc', 'default', 'order']) if (f[k] !== undefined) field[k] = f[k];
      Object.assign(field, withoutKeys(f, ['name', 'type', 'doc', 'default', 'order', 'aliases']));
      if (f['aliases'] !== undefined) field['aliases'] = f['aliases'];
      return field;
    });
  } else if (t === 'enum') {
    out['symbols'] = o['symbols'];
    if (o['default'] !== undefined) out['default'] = o['default'];
  } else {
    out['size'] = o['size'];
  }
  Object.assign(out, withoutKeys(o, ['type', 'name', 'namespace', 'doc', 'fields', 'symbols', 'size', 'default', 'aliases']));
  if (o['aliases'] !== undefined) out['aliases'] = (o['aliases'] as unknown[]).map((a) => (typeof a === 'string' ? qualify(a, inner) : a));
  return out;
}

function withoutKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * Whether `payload` is exactly one datum of `type` (Avro's binary encoding, nothing left over).
 * Returns null when it is, else the reason.
 */
export function avroDecodeError(type: avsc.Type, payload: Buffer): string | null {
  try {
    const { offset } = type.decode(payload, 0);
    if (offset < 0) return `truncated Avro payload (${payload.length} bytes)`;
    if (offset !== payload.length) return `${payload.length - offset} bytes left over after the Avro datum`;
    return null;
  } catch (e) {
    return `Avro payload does not decode: ${e instanceof Error ? e.message : String(e)}`;
  }
}
