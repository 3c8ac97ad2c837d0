/**
 * The registry's state, built only by replaying `_schemas` records (records.ts) in offset order:
 * the same replay serves startup, a second instance, and a write read back by the instance that
 * made it, so every instance reading the topic agrees.
 *
 * Invariants: an id names one schema text forever (the first record that gives it a text wins;
 * a later record reusing the id for another text is ignored, never believed); `maxId` only grows,
 * so an id is never handed out twice by an instance that has read the topic.
 */
import type { RegistryRecord, SchemaReference, SchemaValue } from './records.js';

export interface StoredSchema {
  readonly id: number;
  readonly schemaType: string;
  readonly references: readonly SchemaReference[];
  readonly schema: string;
}

export class RegistryState {
  /** subject → version → value (soft-deleted versions included, flagged). */
  readonly subjects = new Map<string, Map<number, SchemaValue>>();
  readonly schemasById = new Map<number, StoredSchema>();
  /** `${schemaType}\n${references}\n${schema}` → id: one id per distinct schema. */
  private readonly idsByText = new Map<string, number>();
  globalCompatibility: string | null = null;
  readonly subjectCompatibility = new Map<string, string>();
  globalMode: string | null = null;
  readonly subjectMode = new Map<string, string>();
  maxId = 0;
  /** Counts the records applied: a cache over this state is current while it is unchanged. */
  changes = 0;

  apply(record: RegistryRecord): void {
    this.changes++;
    switch (record.key.keytype) {
      case 'SCHEMA':
        return this.applySchema(record.key.subject, record.key.version, record.value as SchemaValue | null);
      case 'CONFIG':
        return setOrClear(record.key.subject, (record.value as { compatibilityLevel: string } | null)?.compatibilityLevel ?? null, this.subjectCompatibility, (v) => (this.globalCompatibility = v));
      case 'MODE':
        return setOrClear(record.key.subject, (record.value as { mode: string } | null)?.mode ?? null, this.subjectMode, (v) => (this.globalMode = v));
      case 'DELETE_SUBJECT': {
        const upTo = (record.value as { version: number } | null)?.version;
        const versions = this.subjects.get(record.key.subject);
        if (upTo === undefined || versions === undefined) return;
        for (const [v, value] of versions) if (v <= upTo) versions.set(v, { ...value, deleted: true });
        return;
      }
      case 'CLEAR_SUBJECT': {
        const versions = this.subjects.get(record.key.subject);
        if (versions !== undefined) for (const [v, value] of versions) if (value.deleted) versions.delete(v);
        return;
      }
      case 'NOOP':
        return;
    }
  }

  private applySchema(subject: string, version: number, value: SchemaValue | null): void {
    let versions = this.subjects.get(subject);
    if (value === null) {
      versions?.delete(version);
      if (versions?.size === 0) this.subjects.delete(subject);
      return;
    }
    const known = this.schemasById.get(value.id);
    if (known !== undefined && textKey(known) !== textKey(value)) return;
    if (versions === undefined) this.subjects.set(subject, (versions = new Map()));
    versions.set(version, value);
    if (known === undefined) {
      const stored = { id: value.id, schemaType: value.schemaType, references: value.references, schema: value.schema };
      this.schemasById.set(value.id, stored);
      if (!this.idsByText.has(textKey(stored))) this.idsByText.set(textKey(stored), value.id);
    }
    this.maxId = Math.max(this.maxId, value.id);
  }

  /** The id already given to this exact schema (type, references, text), if any. */
  idOf(schemaType: string, references: readonly SchemaReference[], schema: string): number | undefined {
    return this.idsByText.get(textKey({ schemaType, references, schema }));
  }

  /** The subject's versions in order; deleted ones only when asked. */
  versions(subject: string, includeDeleted: boolean): SchemaValue[] {
    const all = [...(this.subjects.get(subject)?.values() ?? [])].sort((a, b) => a.version - b.version);
    return includeDeleted ? all : all.filter((v) => !v.deleted);
  }

  /** Subjects with a live version (or any version, with includeDeleted), sorted. */
  subjectNames(includeDeleted: boolean): string[] {
    return [...this.subjects.keys()].filter((s) => this.versions(s, includeDeleted).length > 0).sort();
  }
}

function setOrClear(subject: string | null, value: string | null, perSubject: Map<string, string>, setGlobal: (v: string | null) => void): void {
  if (subject === null) setGlobal(value);
  else if (value === null) perSubject.delete(subject);
  else perSubject.set(subject, value);
}

function textKey(s: { schemaType: string; references: readonly SchemaReference[]; schema: string }): string {
  return `${s.schemaType}\n${JSON.stringify(s.references)}\n${s.schema}`;
}
