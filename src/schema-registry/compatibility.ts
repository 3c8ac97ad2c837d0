/**
 * Compatibility levels, as Confluent's registry applies them when a schema is registered or
 * tested: BACKWARD (the new schema reads data written with the latest), FORWARD (the latest reads
 * the new one's data), FULL (both), their _TRANSITIVE forms (against every live version, newest
 * first, stopping at the first that fails), and NONE.
 *
 * The messages are Confluent's: each incompatibility with 'new'/'old' in the reader and writer
 * roles, then `{oldSchemaVersion: n}` and `{oldSchema: '…'}` for the version that failed, then one
 * `{validateFields: 'false', compatibility: 'LEVEL'}`.
 */
import { incompatibilities, type ParsedSchema } from './schema-format.js';

export const COMPATIBILITY_LEVELS = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function parseCompatibilityLevel(value: unknown): CompatibilityLevel | null {
  if (typeof value !== 'string') return null;
  const upper = value.toUpperCase();
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(upper) ? (upper as CompatibilityLevel) : null;
}

/** One earlier version of the subject, as the check sees it. */
export interface PreviousSchema {
  readonly version: number;
  /** The stored text, quoted in the messages. */
  readonly canonical: string;
  readonly schemaType: string;
  readonly parsed: ParsedSchema;
}

export interface NewSchema {
  readonly schemaType: string;
  readonly parsed: ParsedSchema;
}

/** Above this the old schema is quoted truncated, as Confluent does. */
const MAX_SCHEMA_QUOTE = 10 * 1024;

/**
 * The reasons `next` may not follow `previous` (oldest first) under `level`; empty when it may.
 */
export function compatibilityErrors(level: CompatibilityLevel, next: NewSchema, previous: readonly PreviousSchema[]): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const newestFirst = [...previous].reverse();
  const against = transitive ? newestFirst : newestFirst.slice(0, 1);
  for (const old of against) {
    const errors = old.schemaType !== next.schemaType ? ['Incompatible because of different schema type'] : pairErrors(level, next, old);
    if (errors.length > 0) return [...errors, `{validateFields: 'false', compatibility: '${level}'}`];
  }
  return [];
}

function pairErrors(level: CompatibilityLevel, next: NewSchema, old: PreviousSchema): string[] {
  const base = level.replace('_TRANSITIVE', '');
  const quoteOld = (messages: string[]): string[] => {
    if (messages.length === 0) return messages;
    const text = old.canonical.length <= MAX_SCHEMA_QUOTE ? `'${old.canonical}'` : `<truncated> '${old.canonical.slice(0, MAX_SCHEMA_QUOTE)}...'`;
    return [...messages, `{oldSchemaVersion: ${old.version}}`, `{oldSchema: ${text}}`];
  };
  // new reads old (BACKWARD), old reads new (FORWARD); FULL lists the forward problems first.
  const newReadsOld = (): string[] => incompatibilities(next.parsed, old.parsed, 'new', 'old');
  const oldReadsNew = (): string[] => incompatibilities(old.parsed, next.parsed, 'old', 'new');
  if (base === 'BACKWARD') return quoteOld(newReadsOld());
  if (base === 'FORWARD') return quoteOld(oldReadsNew());
  return [...oldReadsNew(), ...quoteOld(newReadsOld())];
}
