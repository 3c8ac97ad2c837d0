// Turns Kafka's documented "Valid Values" text (ConfigDef validators' toString) into a check.
//
// Forms seen in Kafka 3.9/4.1 docs: `[1,...]` (Range.atLeast), `[a,...,b]` (Range.between),
// `[x, y]` (ValidString / ValidList.in), `(case insensitive) [x, y]` (CaseInsensitiveValidString),
// `[1,...,9] or -1` (gzip level), `non-empty list`, `non-empty string`, `non-null string`.
// Anything else (free-text descriptions) validates nothing, as the docs carry no rule for it.

import type { ConfigValue } from './config-types.js';

/** Returns null when `value` satisfies `spec`, else the reason (Kafka's wording where it has one). */
/**
 * null when the value is valid; otherwise Kafka's reason, or the reason with the form Kafka shows
 * the value in (a validator that throws with the parsed list shows `[a, b]`).
 */
export type Validator = (value: ConfigValue) => string | { readonly shown: string; readonly reason: string } | null;

const ANY: Validator = () => null;

export function validatorFromSpec(spec: string): Validator {
  const s = spec.trim();
  if (s === '') return ANY;
  if (s === 'non-empty list') return nonEmptyList;
  if (s === 'non-empty string') return nonEmptyString;
  if (s === 'non-null string') return ANY;
  const orMatch = /^(\[.*\]) or (-?\d+)$/.exec(s);
  if (orMatch?.[1] !== undefined && orMatch[2] !== undefined) return orValue(rangeFrom(orMatch[1]), Number(orMatch[2]), s);
  const range = rangeFrom(s);
  if (range) return range;
  const ci = /^\(case insensitive\) \[(.*)\]$/.exec(s);
  if (ci?.[1] !== undefined) return inSet(splitSet(ci[1]), true);
  const set = /^\[(.*)\]$/.exec(s);
  if (set?.[1] !== undefined) return inSet(splitSet(set[1]), false);
  return ANY;
}

function rangeFrom(s: string): Validator | null {
  const atLeast = /^\[(-?[\d.]+),\.\.\.\]$/.exec(s);
  if (atLeast?.[1] !== undefined) return between(Number(atLeast[1]), undefined);
  const both = /^\[(-?[\d.]+),\.\.\.,(-?[\d.]+)\]$/.exec(s);
  if (both?.[1] !== undefined && both[2] !== undefined) return between(Number(both[1]), Number(both[2]));
  return null;
}

/** Range.between / Range.atLeast; null passes, as in Kafka (a null default is not range-checked). */
export function between(min: number, max: number | undefined): Validator {
  return (value) => {
    if (typeof value !== 'number') return null;
    if (value < min) return `Value must be at least ${min}`;
    if (max !== undefined && value > max) return `Value must be no more than ${max}`;
    return null;
  };
}

function orValue(inner: Validator | null, extra: number, spec: string): Validator {
  // Kafka's words for its one such validator (the gzip level): "between 1 and 9 or equal to -1".
  const range = /^\[(\S+),\.\.\.,(\S+)\]/.exec(spec);
  const reason = range === null ? `Value must be in ${spec}` : `Value must be between ${range[1]} and ${range[2]} or equal to ${extra}`;
  return (value) => {
    if (value === extra || inner === null) return null;
    return inner(value) === null ? null : reason;
  };
}

function splitSet(body: string): string[] {
  return body.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/** ValidString.in for strings, ValidList.in for lists (every element must be allowed). */
export function inSet(allowed: readonly string[], caseInsensitive: boolean): Validator {
  const norm = (v: string): string => (caseInsensitive ? v.toUpperCase() : v);
  const set = new Set(allowed.map(norm));
  return (value) => {
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    for (const item of items as readonly string[]) {
      // Kafka's ValidList names the element it refuses, not the whole list.
      if (!set.has(norm(item))) return { shown: item, reason: `String must be one of: ${allowed.join(', ')}` };
    }
    return null;
  };
}

function nonEmptyList(value: ConfigValue): string | null {
  return Array.isArray(value) && value.length === 0 ? 'Empty list not allowed' : null;
}

function nonEmptyString(value: ConfigValue): string | null {
  return value === '' ? 'String may not be empty' : null;
}
