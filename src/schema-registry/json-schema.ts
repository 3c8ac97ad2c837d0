/**
 * JSON Schema for the registry (schemaType "JSON"): parsing, the stored form, and payload
 * validation for the broker-side validator.
 *
 * The stored form is Confluent's `JsonSchema.canonicalString()`: the schema as compact JSON with the
 * keys in the order the client wrote them (so whitespace does not make a new id, key order does);
 * with `normalize` the keys of every object are sorted, as Confluent's normalize() does.
 *
 * A schema is checked by compiling it with ajv (draft-07 semantics for drafts 4 to 7, ajv's 2019-09
 * and 2020-12 dialects when `$schema` names them), with the referenced schemas added under their
 * reference names, so `{"$ref": "other.json"}` resolves to the schema registered under that name.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
interface AjvInstance {
  addSchema(schema: unknown, key: string): unknown;
  compile(schema: unknown): ValidateFunction;
  removeSchema(schema: unknown): unknown;
}
type AjvCtor = new (opts: Record<string, unknown>) => AjvInstance;
const load = (path: string): AjvCtor => (require(path) as { default: AjvCtor }).default;
const AJV_OPTIONS = { strict: false, allErrors: false, validateFormats: false, allowUnionTypes: true };

export class JsonSchemaParseError extends Error {}

export interface ParsedJson {
  readonly schemaType: 'JSON';
  readonly canonical: string;
  /** The schema as JSON (an object or a boolean). */
  readonly json: unknown;
  /** The referenced schemas by reference name, for `$ref`s that leave the document. */
  readonly refs: ReadonlyMap<string, unknown>;
  /** Validates one datum; compiled on first use (the registry itself never needs it). */
  validator(): ValidateFunction;
}

export interface NamedText {
  readonly name: string;
  readonly schema: string;
}

export function parseJsonSchema(text: string, references: readonly NamedText[] = [], normalize = false): ParsedJson {
  const json = parseJson(text);
  if (typeof json !== 'boolean' && (json === null || typeof json !== 'object' || Array.isArray(json))) {
    throw new JsonSchemaParseError('a JSON Schema must be an object or a boolean');
  }
  const refs = new Map<string, unknown>();
  for (const r of references) refs.set(r.name, parseJson(r.schema));
  const compileNow = (): ValidateFunction => compile(json, refs);
  const validate = compileNow(); // throws on an invalid schema: the registry answers 42201
  return {
    schemaType: 'JSON',
    canonical: JSON.stringify(normalize ? sortKeys(json) : json),
    json,
    refs,
    validator: () => validate,
  };
}

/**
 * One ajv per dialect for schemas without references: a new instance compiles its meta-schema
 * first (some 40 ms), a shared one compiles a schema in about 1 ms. The schema is removed again
 * after compiling (the compiled function keeps working), so the instance does not grow and a
 * later schema may reuse an `$id`; after a failed compile the instance is dropped (it may hold a
 * part of the schema). Schemas with references get their own instance, their
 * references added under the reference names.
 */
const sharedAjv = new Map<string, AjvInstance>();

function compile(json: unknown, refs: ReadonlyMap<string, unknown>): ValidateFunction {
  const dialect = typeof json === 'object' && json !== null ? String((json as Record<string, unknown>)['$schema'] ?? '') : '';
  const module = dialect.includes('2020-12') ? 'ajv/dist/2020' : dialect.includes('2019-09') ? 'ajv/dist/2019' : 'ajv';
  const schema = withoutOldDialect(json);
  let ajv = refs.size === 0 ? sharedAjv.get(module) : undefined;
  if (ajv === undefined) {
    const Ctor = load(module);
    ajv = new Ctor(AJV_OPTIONS);
    if (refs.size === 0) sharedAjv.set(module, ajv);
  }
  let validate: ValidateFunction;
  try {
    for (const [name, ref] of refs) ajv.addSchema(withoutOldDialect(ref), name);
    validate = ajv.compile(schema);
  } catch (e) {
    // A failed compile may leave parts registered: the shared instance is not reused.
    if (refs.size === 0) sharedAjv.delete(module);
    throw new JsonSchemaParseError(e instanceof Error ? e.message : String(e));
  }
  if (refs.size === 0 && typeof schema === 'object') ajv.removeSchema(schema);
  return validate;
}

/** Drafts 4 and 6 are read as draft 7 (ajv 8 has no meta-schema for them loaded). */
function withoutOldDialect(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const o = json as Record<string, unknown>;
  if (typeof o['$schema'] !== 'string' || !/draft-0[46]/.test(o['$schema'])) return json;
  const { $schema: _, ...rest } = o;
  return rest;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new JsonSchemaParseError(e instanceof Error ? e.message : String(e));
  }
}

function sortKeys(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(node).sort()) out[k] = sortKeys((node as Record<string, unknown>)[k]);
  return out;
}

/**
 * Whether `payload` is one UTF-8 JSON document valid against the schema. Returns null when it is,
 * else the reason.
 */
export function jsonPayloadError(parsed: ParsedJson, payload: Buffer): string | null {
  let datum: unknown;
  try {
    datum = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return `JSON payload does not parse: ${e instanceof Error ? e.message : String(e)}`;
  }
  const validate = parsed.validator();
  if (validate(datum)) return null;
  const first = validate.errors?.[0];
  return `JSON payload is not valid against the schema: ${first === undefined ? 'invalid' : `${first.instancePath === '' ? '(root)' : first.instancePath} ${first.message ?? ''}`.trim()}`;
}
