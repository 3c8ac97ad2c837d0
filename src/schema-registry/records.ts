/**
 * The `_schemas` topic's records in Confluent's own format, so Confluent's registry, ours, and a
 * second instance of either read the same state: keys and values are JSON.
 *
 *   SCHEMA         {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}
 *                  → {"subject","version","id","schemaType"?,"references"?,"schema","deleted"}
 *                  (a null value: the version is permanently deleted)
 *   CONFIG         {"keytype":"CONFIG","subject"?:s,"magic":0} → {"compatibilityLevel"} or null
 *   MODE           {"keytype":"MODE","subject"?:s,"magic":0}   → {"mode"} or null
 *   DELETE_SUBJECT {"keytype":"DELETE_SUBJECT","subject":s,"magic":0} → {"subject","version"}:
 *                  every version up to `version` is soft-deleted
 *   CLEAR_SUBJECT  {"keytype":"CLEAR_SUBJECT","subject":s,"magic":0} → {"subject"}
 *   NOOP           {"keytype":"NOOP","magic":0}: a marker a writer reads back to know it is caught up
 *
 * Absent subjects are left out of the key (Confluent's Jackson NON_EMPTY); empty reference lists
 * and the AVRO schemaType are left out of the value. Records we cannot read are skipped (returned
 * as null), never fatal: a newer Confluent may write key types we do not know.
 */

export interface SchemaReference {
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

export interface SchemaValue {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType: string;
  readonly references: readonly SchemaReference[];
  readonly schema: string;
  readonly deleted: boolean;
}

export type RegistryKey =
  | { readonly keytype: 'SCHEMA'; readonly subject: string; readonly version: number }
  | { readonly keytype: 'CONFIG'; readonly subject: string | null }
  | { readonly keytype: 'MODE'; readonly subject: string | null }
  | { readonly keytype: 'DELETE_SUBJECT'; readonly subject: string }
  | { readonly keytype: 'CLEAR_SUBJECT'; readonly subject: string }
  | { readonly keytype: 'NOOP' };

export type RegistryRecord =
  | { readonly key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; readonly value: SchemaValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'CONFIG' }>; readonly value: { readonly compatibilityLevel: string } | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'MODE' }>; readonly value: { readonly mode: string } | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'DELETE_SUBJECT' }>; readonly value: { readonly subject: string; readonly version: number } | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'CLEAR_SUBJECT' }>; readonly value: { readonly subject: string } | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'NOOP' }>; readonly value: null };

export function encodeKey(key: RegistryKey): string {
  switch (key.keytype) {
    case 'SCHEMA':
      return JSON.stringify({ keytype: 'SCHEMA', subject: key.subject, version: key.version, magic: 1 });
    case 'NOOP':
      return JSON.stringify({ keytype: 'NOOP', magic: 0 });
    default:
      return JSON.stringify(key.subject === null ? { keytype: key.keytype, magic: 0 } : { keytype: key.keytype, subject: key.subject, magic: 0 });
  }
}

export function encodeValue(record: RegistryRecord): string | null {
  if (record.value === null) return null;
  if (record.key.keytype !== 'SCHEMA') return JSON.stringify(record.value);
  const v = record.value as SchemaValue;
  return JSON.stringify({
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType === 'AVRO' ? {} : { schemaType: v.schemaType }),
    ...(v.references.length === 0 ? {} : { references: v.references }),
    schema: v.schema,
    deleted: v.deleted,
  });
}

/** The record a `_schemas` key and value stand for, or null when it is not one we understand. */
export function decodeRecord(key: Buffer | null, value: Buffer | null): RegistryRecord | null {
  const k = parseObject(key);
  if (k === null) return null;
  const subject = typeof k['subject'] === 'string' ? k['subject'] : null;
  const v = value === null ? null : parseObject(value);
  if (value !== null && v === null) return null;
  switch (k['keytype']) {
    case 'SCHEMA': {
      const version = k['version'];
      if (subject === null || typeof version !== 'number') return null;
      const sv = v === null ? null : schemaValue(v, subject, version);
      if (v !== null && sv === null) return null;
      return { key: { keytype: 'SCHEMA', subject, version }, value: sv };
    }
    case 'CONFIG':
      return { key: { keytype: 'CONFIG', subject }, value: v === null ? null : { compatibilityLevel: String(v['compatibilityLevel'] ?? v['compatibility'] ?? 'BACKWARD') } };
    case 'MODE':
      return { key: { keytype: 'MODE', subject }, value: v === null ? null : { mode: String(v['mode'] ?? 'READWRITE') } };
    case 'DELETE_SUBJECT':
      if (subject === null) return null;
      return { key: { keytype: 'DELETE_SUBJECT', subject }, value: v === null ? null : { subject, version: Number(v['version'] ?? 0) } };
    case 'CLEAR_SUBJECT':
      if (subject === null) return null;
      return { key: { keytype: 'CLEAR_SUBJECT', subject }, value: v === null ? null : { subject } };
    case 'NOOP':
      return { key: { keytype: 'NOOP' }, value: null };
    default:
      return null;
  }
}

function schemaValue(v: Record<string, unknown>, subject: string, version: number): SchemaValue | null {
  if (typeof v['id'] !== 'number' || typeof v['schema'] !== 'string') return null;
  const refs = Array.isArray(v['references']) ? (v['references'] as Record<string, unknown>[]) : [];
  return {
    subject,
    version,
    id: v['id'],
    schemaType: typeof v['schemaType'] === 'string' ? v['schemaType'] : 'AVRO',
    references: refs.map((r) => ({ name: String(r['name']), subject: String(r['subject']), version: Number(r['version']) })),
    schema: v['schema'],
    deleted: v['deleted'] === true,
  };
}

function parseObject(b: Buffer | null): Record<string, unknown> | null {
  if (b === null) return null;
  try {
    const o = JSON.parse(b.toString('utf8')) as unknown;
    return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
