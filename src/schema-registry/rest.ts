/**
 * Confluent's Schema Registry REST API over a SchemaRegistry: routing, query parameters, the
 * content types Confluent accepts, and error bodies. Every answer is JSON in Confluent's media type
 * (`application/vnd.schemaregistry.v1+json`) except the raw `/schema` endpoints' text; every
 * failure is `{"error_code", "message"}` with Confluent's status and code (errors.ts).
 *
 * `onRequest` is the hook for request counters (the metrics issue wires it to prom-client): it is
 * told each request's method, route pattern and status.
 */
import type { HttpRequest, HttpResponse } from '../io/http-server.js';
import * as E from './errors.js';
import { schemaFields, versionView, type SchemaRegistry, type SchemaRequest } from './registry.js';
import type { SchemaReference } from './records.js';
import { SCHEMA_TYPES } from './schema-format.js';
import { serializedDescriptor } from './protobuf-descriptor.js';

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
/** The request bodies Confluent's registry accepts (and none, which Jersey treats as JSON). */
const ACCEPTED_CONTENT_TYPES = ['application/vnd.schemaregistry.v1+json', 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream'];

export type RequestHook = (method: string, route: string, status: number) => void;

/**
 * Sends a write to the leader when this instance is not it: the leader's answer, or null to
 * handle the request here. `operation` names it in Confluent's forwarding error message.
 */
export type WriteForwarder = (req: HttpRequest, operation: string) => Promise<HttpResponse | null>;

type Params = readonly string[];
interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly parts: readonly string[];
  readonly run: (reg: SchemaRegistry, p: Params, req: HttpRequest) => Promise<unknown> | unknown;
  /** A write (it goes to the leader), named as Confluent's forwarding errors name it. */
  readonly write: string | null;
}

const flag = (req: HttpRequest, name: string): boolean => req.query.get(name)?.toLowerCase() === 'true';

const ROUTES: readonly Route[] = [
  route('GET', '/', () => ({})),
  route('GET', '/subjects', (r, _p, q) => r.subjects(flag(q, 'deleted'), q.query.get('subjectPrefix') ?? q.query.get('subject') ?? '')),
  route('GET', '/subjects/*/versions', (r, [s], q) => r.versionNumbers(s ?? '', flag(q, 'deleted'))),
  write('register schema', 'POST', '/subjects/*/versions', async (r, [s], q) => ({ id: await r.register(s ?? '', schemaRequest(q)) })),
  route('GET', '/subjects/*/versions/*', (r, [s, v], q) => inFormat(r, versionView(r.version(s ?? '', v ?? '', flag(q, 'deleted'))), q)),
  route('GET', '/subjects/*/versions/*/schema', (r, [s, v], q) => raw(r.version(s ?? '', v ?? '', flag(q, 'deleted')).schema)),
  route('GET', '/subjects/*/versions/*/referencedby', (r, [s, v]) => referencedBy(r, s ?? '', v ?? '')),
  write('delete schema version', 'DELETE', '/subjects/*/versions/*', (r, [s, v], q) => r.deleteVersion(s ?? '', v ?? '', flag(q, 'permanent'))),
  route('POST', '/subjects/*', (r, [s], q) => versionView(r.lookup(s ?? '', schemaRequest(q), flag(q, 'deleted')))),
  write('delete subject', 'DELETE', '/subjects/*', (r, [s], q) => r.deleteSubject(s ?? '', flag(q, 'permanent'))),
  route('GET', '/schemas', (r, _p, q) => allSchemas(r, q)),
  route('GET', '/schemas/types', () => [...SCHEMA_TYPES]),
  route('GET', '/schemas/ids/*', (r, [id], q) => inFormat(r, schemaFields(r.schemaById(schemaId(id))), q)),
  route('GET', '/schemas/ids/*/schema', (r, [id]) => raw(r.schemaById(schemaId(id)).schema)),
  route('GET', '/schemas/ids/*/subjects', (r, [id], q) => [...new Set(r.usesOf(schemaId(id), flag(q, 'deleted')).map((v) => v.subject))]),
  route('GET', '/schemas/ids/*/versions', (r, [id], q) => r.usesOf(schemaId(id), flag(q, 'deleted')).map((v) => ({ subject: v.subject, version: v.version }))),
  route('POST', '/compatibility/subjects/*/versions/*', (r, [s, v], q) => compatibility(r.compatibilityWith(s ?? '', schemaRequest(q), v ?? 'latest'), flag(q, 'verbose'))),
  route('POST', '/compatibility/subjects/*/versions', (r, [s], q) => compatibility(r.compatibilityWith(s ?? '', schemaRequest(q), null), flag(q, 'verbose'))),
  route('GET', '/config', (r) => ({ compatibilityLevel: r.compatibilityOf(null) })),
  write('update config', 'PUT', '/config', async (r, _p, q) => ({ compatibility: await r.setCompatibility(null, body(q)['compatibility']) })),
  write('delete config', 'DELETE', '/config', async (r) => ({ compatibilityLevel: await r.deleteCompatibility(null) })),
  route('GET', '/config/*', (r, [s], q) => subjectConfig(r, s ?? '', flag(q, 'defaultToGlobal'))),
  write('update config', 'PUT', '/config/*', async (r, [s], q) => ({ compatibility: await r.setCompatibility(s ?? '', body(q)['compatibility']) })),
  write('delete config', 'DELETE', '/config/*', async (r, [s]) => ({ compatibilityLevel: await r.deleteCompatibility(s ?? '') })),
  route('GET', '/mode', (r) => ({ mode: r.modeOf(null) })),
  write('update mode', 'PUT', '/mode', async (r, _p, q) => ({ mode: await r.setMode(null, body(q)['mode'], flag(q, 'force')) })),
  route('GET', '/mode/*', (r, [s], q) => subjectMode(r, s ?? '', flag(q, 'defaultToGlobal'))),
  write('update mode', 'PUT', '/mode/*', async (r, [s], q) => ({ mode: await r.setMode(s ?? '', body(q)['mode'], flag(q, 'force')) })),
  write('delete mode', 'DELETE', '/mode/*', async (r, [s]) => ({ mode: await r.deleteMode(s ?? '') })),
];

function route(method: string, pattern: string, run: Route['run']): Route {
  return { method, pattern, parts: pattern.split('/').filter((p) => p !== ''), run, write: null };
}

function write(operation: string, method: string, pattern: string, run: Route['run']): Route {
  return { ...route(method, pattern, run), write: operation };
}

/** Answers one HTTP request. Never throws: every failure is an error body. */
export async function handleRegistryRequest(reg: SchemaRegistry, req: HttpRequest, onRequest?: RequestHook, forward?: WriteForwarder): Promise<HttpResponse> {
  let pattern = 'unmatched';
  const answer = await (async (): Promise<HttpResponse> => {
    try {
      const segments = req.path.split('/').filter((p) => p !== '').map((s) => decodeURIComponent(s));
      const matching = ROUTES.filter((r) => r.parts.length === segments.length && r.parts.every((p, i) => p === '*' || p === segments[i]));
      const found = matching.find((r) => r.method === req.method);
      if (found === undefined) throw matching.length > 0 ? E.methodNotAllowed() : E.notFound();
      pattern = found.pattern;
      if (req.method === 'POST' || req.method === 'PUT') checkContentType(req);
      if (found.write !== null && forward !== undefined) {
        const forwarded = await forward(req, found.write);
        if (forwarded !== null) return forwarded;
      }
      const params = found.parts.flatMap((p, i) => (p === '*' ? [segments[i] ?? ''] : []));
      const result = await found.run(reg, params, req);
      if (result instanceof Raw) return { status: 200, contentType: REGISTRY_CONTENT_TYPE, body: result.text };
      return { status: 200, contentType: REGISTRY_CONTENT_TYPE, body: JSON.stringify(result) };
    } catch (e) {
      const err = e instanceof E.RegistryError ? e : e instanceof URIError ? E.badRequest(e.message) : new E.RegistryError(500, 50001, `Error in the schema registry: ${e instanceof Error ? e.message : String(e)}`);
      return { status: err.status, contentType: REGISTRY_CONTENT_TYPE, body: JSON.stringify(err.body()) };
    }
  })();
  onRequest?.(req.method, pattern, answer.status);
  return answer;
}

class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string): Raw => new Raw(text);

function checkContentType(req: HttpRequest): void {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && !ACCEPTED_CONTENT_TYPES.includes(type)) throw E.unsupportedMediaType();
}

function body(req: HttpRequest): Record<string, unknown> {
  if (req.body.trim() === '') throw E.unprocessable('Request body is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body);
  } catch (e) {
    throw E.badRequest(`Unrecognized JSON in the request body: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw E.unprocessable('The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** A register/lookup/compatibility body: `schema`, `schemaType` (AVRO, JSON, PROTOBUF), `references`, IMPORT's `id`/`version`; `?normalize=true`. */
function schemaRequest(req: HttpRequest): SchemaRequest {
  const b = body(req);
  const schema = b['schema'];
  if (typeof schema !== 'string' || schema.trim() === '') throw E.invalidSchema('Empty schema');
  const schemaType = b['schemaType'] === undefined || b['schemaType'] === null ? 'AVRO' : String(b['schemaType']).toUpperCase();
  const refs = Array.isArray(b['references']) ? (b['references'] as unknown[]) : [];
  const references: SchemaReference[] = refs.map((r) => {
    const o = (r ?? {}) as Record<string, unknown>;
    if (typeof o['name'] !== 'string' || typeof o['subject'] !== 'string' || typeof o['version'] !== 'number') throw E.invalidSchema(`Invalid schema of type ${schemaType}, details: Invalid reference ${JSON.stringify(r)}`);
    return { name: o['name'], subject: o['subject'], version: o['version'] };
  });
  return {
    schema,
    schemaType,
    references,
    ...(flag(req, 'normalize') || b['normalize'] === true ? { normalize: true } : {}),
    ...(typeof b['id'] === 'number' ? { id: b['id'] } : {}),
    ...(typeof b['version'] === 'number' ? { version: b['version'] } : {}),
  };
}

/**
 * `?format=serialized`: a Protobuf schema as a base64 FileDescriptorProto (confluent-kafka-python's
 * deserializer asks for it); other formats and values leave the schema as stored.
 */
function inFormat(reg: SchemaRegistry, view: Record<string, unknown>, req: HttpRequest): Record<string, unknown> {
  if (req.query.get('format') !== 'serialized' || view['schemaType'] !== 'PROTOBUF') return view;
  const references = (view['references'] ?? []) as SchemaReference[];
  const parsed = reg.parse({ schema: String(view['schema']), schemaType: 'PROTOBUF', references });
  if (parsed.schemaType !== 'PROTOBUF') return view;
  return { ...view, schema: serializedDescriptor(parsed, 'default.proto') };
}

function schemaId(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw E.schemaNotFound();
  return n;
}

function compatibility(messages: readonly string[], verbose: boolean): Record<string, unknown> {
  return { is_compatible: messages.length === 0, ...(verbose ? { messages } : {}) };
}

function referencedBy(reg: SchemaRegistry, subject: string, version: string): number[] {
  const target = reg.version(subject, version, true);
  const ids: number[] = [];
  for (const s of reg.subjects(false, '')) for (const v of reg.state.versions(s, false)) if (v.references.some((r) => r.subject === subject && r.version === target.version)) ids.push(v.id);
  return ids;
}

function allSchemas(reg: SchemaRegistry, req: HttpRequest): unknown[] {
  const deleted = flag(req, 'deleted');
  const out: unknown[] = [];
  for (const s of reg.subjects(deleted, req.query.get('subjectPrefix') ?? '')) {
    const versions = reg.state.versions(s, deleted);
    for (const v of flag(req, 'latestOnly') ? versions.slice(-1) : versions) out.push(versionView(v));
  }
  return out;
}

function subjectConfig(reg: SchemaRegistry, subject: string, defaultToGlobal: boolean): Record<string, unknown> {
  const own = reg.state.subjectCompatibility.get(subject);
  if (own === undefined && !defaultToGlobal) throw E.subjectCompatibilityNotConfigured(subject);
  return { compatibilityLevel: reg.compatibilityOf(subject) };
}

function subjectMode(reg: SchemaRegistry, subject: string, defaultToGlobal: boolean): Record<string, unknown> {
  if (!reg.state.subjectMode.has(subject) && !defaultToGlobal) throw E.subjectModeNotConfigured(subject);
  return { mode: reg.modeOf(subject) };
}

