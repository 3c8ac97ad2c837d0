/**
 * The registry's operations, each as Confluent's registry performs it: reads answer from the
 * replayed state; writes validate against it, append `_schemas` records through the SchemaLog, and
 * answer once the records are read back (so the writer sees its own write, as every reader will).
 *
 * Writes are serialized within an instance and start from a caught-up state. Only the elected
 * leader writes (leader-election.ts; followers forward to it), but during a change of leader two
 * instances may briefly both write: a write that lost such a race (same id or version) is detected
 * on read-back (state.ts keeps the first record for an id) and retried.
 */
import * as E from './errors.js';
import { parseSchema, SchemaParseError, type NamedText, type ParsedSchema } from './schema-format.js';
import { compatibilityErrors, parseCompatibilityLevel, type CompatibilityLevel, type PreviousSchema } from './compatibility.js';
import type { RegistryRecord, SchemaReference, SchemaValue } from './records.js';
import type { RegistryState } from './state.js';

export interface SchemaLog {
  /** Appends the records in order; resolves once they have been replayed into the state. */
  append(records: readonly RegistryRecord[]): Promise<void>;
  /** Resolves once every record written to the topic before the call has been replayed. */
  catchUp(): Promise<void>;
}

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';
const MAX_VERSION = 2 ** 31 - 1;
const WRITE_ATTEMPTS = 5;

export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType: string;
  readonly references: readonly SchemaReference[];
  /** Store (and look up) the schema in its normalized form (JSON: sorted keys; Protobuf: fields by number). */
  readonly normalize?: boolean;
  /** IMPORT mode only: the id and version to register under. */
  readonly id?: number;
  readonly version?: number;
}

/** A subject's version as the REST API shows it (schemaType and references only when set). */
export function versionView(v: SchemaValue): Record<string, unknown> {
  return { subject: v.subject, version: v.version, id: v.id, ...schemaFields(v) };
}

export function schemaFields(v: { schemaType: string; references: readonly SchemaReference[]; schema: string }): Record<string, unknown> {
  return {
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    ...(v.references.length === 0 ? {} : { references: v.references }),
    schema: v.schema,
  };
}

export class SchemaRegistry {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly parsed = new Map<string, ParsedSchema>();

  constructor(readonly state: RegistryState, private readonly log: SchemaLog) {}

  // ---- reads ----

  subjects(includeDeleted: boolean, prefix: string): string[] {
    return this.state.subjectNames(includeDeleted).filter((s) => s.startsWith(prefix));
  }

  versionNumbers(subject: string, includeDeleted: boolean): number[] {
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0) throw E.subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  /** A version by number or 'latest' (or -1); soft-deleted ones only with includeDeleted. */
  version(subject: string, version: string, includeDeleted: boolean): SchemaValue {
    const n = parseVersion(version);
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0 && this.state.versions(subject, true).length === 0) throw E.subjectNotFound(subject);
    const found = n === 'latest' ? versions.at(-1) : versions.find((v) => v.version === n);
    if (found === undefined) throw n === 'latest' && versions.length === 0 ? E.subjectNotFound(subject) : E.versionNotFound(n === 'latest' ? 'latest' : n);
    return found;
  }

  schemaById(id: number): { schemaType: string; references: readonly SchemaReference[]; schema: string } {
    const s = this.state.schemasById.get(id);
    if (s === undefined) throw E.schemaNotFound(id);
    return s;
  }

  /** The subject/version pairs holding schema `id`. */
  usesOf(id: number, includeDeleted: boolean): SchemaValue[] {
    this.schemaById(id);
    const out: SchemaValue[] = [];
    for (const s of this.state.subjectNames(includeDeleted)) for (const v of this.state.versions(s, includeDeleted)) if (v.id === id) out.push(v);
    return out;
  }

  compatibilityOf(subject: string | null): CompatibilityLevel {
    const level = (subject === null ? undefined : this.state.subjectCompatibility.get(subject)) ?? this.state.globalCompatibility ?? DEFAULT_COMPATIBILITY;
    return parseCompatibilityLevel(level) ?? DEFAULT_COMPATIBILITY;
  }

  modeOf(subject: string | null): string {
    return (subject === null ? undefined : this.state.subjectMode.get(subject)) ?? this.state.globalMode ?? 'READWRITE';
  }

  /** POST /subjects/{s}: the version of the subject holding this schema. */
  lookup(subject: string, req: SchemaRequest, includeDeleted: boolean): SchemaValue {
    const all = this.state.versions(subject, true);
    if (all.length === 0) throw E.subjectNotFound(subject);
    const parsed = this.parse(req);
    const hit = this.state.versions(subject, includeDeleted).find((v) => v.schemaType === req.schemaType && this.sameSchema(v, parsed.canonical, req.references));
    if (hit === undefined) throw E.schemaNotFound();
    return hit;
  }

  /** The messages explaining why `req` may not follow the given versions (empty: it may). */
  compatibilityWith(subject: string, req: SchemaRequest, version: string | null): string[] {
    const parsed = this.parse(req);
    let previous: SchemaValue[];
    if (version === null) {
      previous = this.state.versions(subject, false);
    } else {
      const live = this.state.versions(subject, false);
      if (parseVersion(version) === 'latest' && live.length === 0) return [];
      previous = [this.version(subject, version, false)];
    }
    const level = this.compatibilityOf(subject);
    return compatibilityErrors(version === null ? level : (level.replace('_TRANSITIVE', '') as CompatibilityLevel), { schemaType: req.schemaType, parsed }, previous.map((p) => this.previous(p)));
  }

  // ---- writes ----

  register(subject: string, req: SchemaRequest): Promise<number> {
    return this.serialized(async () => {
      for (let attempt = 0; ; attempt++) {
        const mode = this.modeOf(subject);
        if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw E.operationNotPermitted(`Subject ${subject} in context . is in read-only mode`);
        if (req.id !== undefined && req.id >= 0 && mode !== 'IMPORT') throw E.operationNotPermitted(`Subject ${subject} in context . is not in import mode`);
        const parsed = this.parse(req);
        const live = this.state.versions(subject, false);
        const existing = live.find((v) => v.schemaType === req.schemaType && this.sameSchema(v, parsed.canonical, req.references));
        if (existing !== undefined && (req.id === undefined || req.id < 0 || req.id === existing.id)) return existing.id;
        if (mode !== 'IMPORT') {
          const errors = compatibilityErrors(this.compatibilityOf(subject), { schemaType: req.schemaType, parsed }, live.map((p) => this.previous(p)));
          if (errors.length > 0) throw E.incompatibleSchema(subject, errors);
        }
        const id = this.chooseId(req, parsed.canonical);
        const all = this.state.versions(subject, true);
        const version = req.version !== undefined && req.version > 0 && mode === 'IMPORT' ? req.version : (all.at(-1)?.version ?? 0) + 1;
        const value: SchemaValue = { subject, version, id, schemaType: req.schemaType, references: req.references, schema: parsed.canonical, deleted: false };
        await this.log.append([{ key: { keytype: 'SCHEMA', subject, version }, value }]);
        const stored = this.state.subjects.get(subject)?.get(version);
        if (stored?.id === id && stored.schema === parsed.canonical) return id;
        // Another instance wrote this id or version first: start again from what it wrote.
        if (attempt + 1 >= WRITE_ATTEMPTS) throw E.storeError('Register schema operation failed while writing to the Kafka store');
        await this.log.catchUp();
      }
    });
  }

  deleteVersion(subject: string, version: string, permanent: boolean): Promise<number> {
    return this.serialized(async () => {
      this.assertWritable(subject);
      const target = this.version(subject, version, true);
      if (!permanent && target.deleted) throw E.versionSoftDeleted(subject, target.version);
      if (permanent && !target.deleted) throw E.versionNotSoftDeleted(subject, target.version);
      this.assertNotReferenced(subject, target.version);
      const key = { keytype: 'SCHEMA' as const, subject, version: target.version };
      const records: RegistryRecord[] = [{ key, value: permanent ? null : { ...target, deleted: true } }];
      if (permanent && this.state.versions(subject, true).length === 1) records.push(...this.clearSubjectSettings(subject));
      await this.log.append(records);
      return target.version;
    });
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.serialized(async () => {
      this.assertWritable(subject);
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw E.subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted);
      if (!permanent && live.length === 0) throw E.subjectSoftDeleted(subject);
      if (permanent && live.length > 0) throw E.subjectNotSoftDeleted(subject);
      const targets = permanent ? all : live;
      for (const v of targets) this.assertNotReferenced(subject, v.version);
      const last = targets.at(-1)?.version ?? 0;
      const records: RegistryRecord[] = permanent
        ? [...[...targets].reverse().map((v) => ({ key: { keytype: 'SCHEMA' as const, subject, version: v.version }, value: null })), ...this.clearSubjectSettings(subject)]
        : [{ key: { keytype: 'DELETE_SUBJECT', subject }, value: { subject, version: last } }];
      await this.log.append(records);
      return targets.map((v) => v.version);
    });
  }

  setCompatibility(subject: string | null, level: unknown): Promise<CompatibilityLevel> {
    const parsed = parseCompatibilityLevel(level);
    if (parsed === null) return Promise.reject(E.invalidCompatibility());
    return this.serialized(async () => {
      await this.log.append([{ key: { keytype: 'CONFIG', subject }, value: { compatibilityLevel: parsed } }]);
      return parsed;
    });
  }

  /** Removes the subject's (or the global) level; returns the level it had. */
  deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    return this.serialized(async () => {
      if (subject !== null && !this.state.subjectCompatibility.has(subject)) throw E.subjectCompatibilityNotConfigured(subject);
      const before = this.compatibilityOf(subject);
      await this.log.append([{ key: { keytype: 'CONFIG', subject }, value: null }]);
      return before;
    });
  }

  setMode(subject: string | null, mode: unknown, force: boolean): Promise<string> {
    const upper = typeof mode === 'string' ? mode.toUpperCase() : '';
    if (!(MODES as readonly string[]).includes(upper)) return Promise.reject(E.invalidMode());
    return this.serialized(async () => {
      const subjects = subject === null ? this.state.subjectNames(true) : this.state.versions(subject, true).map(() => subject);
      if (upper === 'IMPORT' && this.modeOf(subject) !== 'IMPORT' && !force && subjects.length > 0) throw E.operationNotPermitted('Cannot import since found existing subjects');
      await this.log.append([{ key: { keytype: 'MODE', subject }, value: { mode: upper } }]);
      return upper;
    });
  }

  deleteMode(subject: string): Promise<string> {
    return this.serialized(async () => {
      if (!this.state.subjectMode.has(subject)) throw E.subjectModeNotConfigured(subject);
      const before = this.modeOf(subject);
      await this.log.append([{ key: { keytype: 'MODE', subject }, value: null }]);
      return before;
    });
  }

  // ---- helpers ----

  /** Parses (cached by type, text and references) a request's schema; 42201 when it is not valid. */
  parse(req: { schema: string; schemaType: string; references: readonly SchemaReference[]; normalize?: boolean }): ParsedSchema {
    const cacheKey = `${req.schemaType}\n${req.normalize === true}\n${JSON.stringify(req.references)}\n${req.schema}`;
    const cached = this.parsed.get(cacheKey);
    if (cached !== undefined) return cached;
    if (!(['AVRO', 'JSON', 'PROTOBUF'] as readonly string[]).includes(req.schemaType)) throw E.invalidSchema(`Invalid schema type ${req.schemaType}`);
    let parsed: ParsedSchema;
    try {
      parsed = parseSchema(req.schemaType, req.schema, this.referencedTexts(req.schemaType, req.references, new Set()), req.normalize === true);
    } catch (e) {
      if (e instanceof E.RegistryError) throw e;
      if (!(e instanceof SchemaParseError)) throw e;
      throw E.invalidSchema(`Invalid schema of type ${req.schemaType}, details: ${e.message}`);
    }
    if (this.parsed.size > 10_000) this.parsed.clear();
    this.parsed.set(cacheKey, parsed);
    return parsed;
  }

  /** The schemas a schema's references name (by reference name), dependencies first. */
  private referencedTexts(schemaType: string, refs: readonly SchemaReference[], seen: Set<string>): NamedText[] {
    const out: NamedText[] = [];
    for (const r of refs) {
      const key = `${r.subject}/${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const v = this.state.versions(r.subject, true).find((x) => x.version === r.version || (r.version === -1 && x === this.state.versions(r.subject, false).at(-1)));
      if (v === undefined) throw E.invalidSchema(`Invalid schema of type ${schemaType}, details: Invalid reference ${JSON.stringify(r)}`);
      out.push(...this.referencedTexts(schemaType, v.references, seen), { name: r.name, schema: v.schema });
    }
    return out;
  }

  private previous(v: SchemaValue): PreviousSchema {
    const parsed = this.parse(v);
    return { version: v.version, canonical: v.schema, schemaType: v.schemaType, parsed };
  }

  private sameSchema(v: SchemaValue, canonical: string, refs: readonly SchemaReference[]): boolean {
    return v.schema === canonical && JSON.stringify(v.references) === JSON.stringify(refs);
  }

  private chooseId(req: SchemaRequest, canonical: string): number {
    const known = this.state.idOf(req.schemaType, req.references, canonical);
    if (req.id !== undefined && req.id >= 0) {
      const holder = this.state.schemasById.get(req.id);
      if (holder !== undefined && holder.schema !== canonical) throw E.idDoesNotMatch(`Overwrite new schema with id ${req.id} is not permitted.`);
      return req.id;
    }
    return known ?? this.state.maxId + 1;
  }

  private assertWritable(subject: string): void {
    const mode = this.modeOf(subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw E.operationNotPermitted(`Subject ${subject} in context . is in read-only mode`);
  }

  private assertNotReferenced(subject: string, version: number): void {
    for (const s of this.state.subjectNames(false)) {
      for (const v of this.state.versions(s, false)) {
        if (v.references.some((r) => r.subject === subject && r.version === version)) throw E.referenceExists(`{magic=1,keytype=SCHEMA,subject=${subject},version=${version}}`);
      }
    }
  }

  private clearSubjectSettings(subject: string): RegistryRecord[] {
    const out: RegistryRecord[] = [];
    if (this.state.subjectMode.has(subject)) out.push({ key: { keytype: 'MODE', subject }, value: null });
    if (this.state.subjectCompatibility.has(subject)) out.push({ key: { keytype: 'CONFIG', subject }, value: null });
    return out;
  }

  /** Runs writes one at a time, each from a caught-up state. */
  private serialized<R>(write: () => Promise<R>): Promise<R> {
    const run = this.writes.then(async () => {
      await this.log.catchUp();
      return write();
    });
    this.writes = run.catch(() => undefined);
    return run;
  }
}

/** 'latest' (or -1), or a version number in [1, 2^31-1]; else 42202. */
export function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest';
  if (!/^[0-9]+$/.test(text)) throw E.invalidVersion(text);
  const n = Number(text);
  if (n < 1 || n > MAX_VERSION) throw E.invalidVersion(text);
  return n;
}
