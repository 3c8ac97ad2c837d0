// Parses a config's string form into a typed value the way Kafka's ConfigDef.parseType does.
//
// Rules kept from Kafka: values are trimmed (except PASSWORD); BOOLEAN accepts true/false in any case;
// INT/SHORT/LONG must be whole numbers inside Java's range for the type; LIST splits on commas, trims
// each element and treats '' as the empty list. One deliberate difference: LONG becomes a JS number,
// and a value beyond 2^53 (in practice Long.MAX_VALUE, Kafka's "no limit") becomes
// Number.MAX_SAFE_INTEGER, which compares the same way against any real offset, count or time.

import type { ConfigDef, ConfigTypeName, ConfigValue } from './config-types.js';
import { invalidValueMessage } from './config-error.js';
import { validatorFromSpec, type Validator } from './validator-spec.js';

export type ParseResult = { ok: true; value: ConfigValue } | { ok: false; error: string };

const INT_RANGE: Readonly<Record<'INT' | 'SHORT' | 'LONG', readonly [bigint, bigint]>> = {
  SHORT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  LONG: [-9223372036854775808n, 9223372036854775807n],
};

/** Parses and validates `raw` for `def`; an error names the key and value as Kafka does. */
export function parseConfigValue(def: ConfigDef, raw: string, validator?: Validator): ParseResult {
  const typed = parseType(def.type, raw);
  if (typeof typed === 'object' && typed !== null && 'typeError' in typed) {
    return { ok: false, error: invalidValueMessage(def.name, raw, typed.typeError) };
  }
  const problem = (validator ?? validatorFromSpec(def.valid))(typed);
  if (problem === null) return { ok: true, value: typed };
  // Kafka's validators see the parsed value and show it: a DOUBLE as Java prints it (2 → "2.0").
  const shown = typeof problem === 'object' ? problem.shown : def.type === 'DOUBLE' && typeof typed === 'number' ? javaDouble(typed) : raw.trim();
  return { ok: false, error: invalidValueMessage(def.name, shown, typeof problem === 'object' ? problem.reason : problem) };
}

/** Java's Double.toString: "2.0", "0.5", "1.0E-5", "1.5E10" (scientific below 1e-3 and from 1e7). */
export function javaDouble(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) return Number.isInteger(n) ? n.toFixed(1) : String(n);
  const [mantissa = '', exponent = ''] = n.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** Parses a default (trusted, never validated; null stays null as in Kafka). */
export function parseDefault(def: ConfigDef): ConfigValue {
  if (def.defaultValue === null) return null;
  const typed = parseType(def.type, def.defaultValue);
  if (typeof typed === 'object' && typed !== null && 'typeError' in typed) {
    throw new Error(`bad built-in default for ${def.name}: ${typed.typeError}`);
  }
  return typed;
}

type TypeResult = ConfigValue | { typeError: string };

export function parseType(type: ConfigTypeName, raw: string): TypeResult {
  if (type === 'PASSWORD') return raw;
  const v = raw.trim();
  switch (type) {
    case 'BOOLEAN': return parseBoolean(v);
    case 'INT': case 'SHORT': case 'LONG': return parseWhole(type, v);
    case 'DOUBLE': return parseDouble(v);
    case 'LIST': return v === '' ? [] : v.split(',').map((s) => s.trim());
    case 'STRING': case 'CLASS': return v;
  }
}

function parseBoolean(v: string): TypeResult {
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return { typeError: 'Expected value to be either true or false' };
}

function parseWhole(type: 'INT' | 'SHORT' | 'LONG', v: string): TypeResult {
  const [min, max] = INT_RANGE[type];
  if (!/^[+-]?\d+$/.test(v)) return { typeError: `Not a number of type ${type}` };
  const big = BigInt(v);
  if (big < min || big > max) return { typeError: `Not a number of type ${type} (out of range ${min}..${max})` };
  return longToNumber(big);
}

function parseDouble(v: string): TypeResult {
  // Java's Double.parseDouble accepts forms like 1.7976931348623157E308 and trailing d/f suffixes.
  const n = Number(v.replace(/[dDfF]$/, ''));
  if (v === '' || Number.isNaN(n)) return { typeError: 'Not a number of type DOUBLE' };
  return n;
}

/** Clamps a Java long into the JS safe-integer range (see the file header). */
export function longToNumber(big: bigint): number {
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(big);
}

/** Kafka's string form of a typed value (DescribeConfigs shows values as strings). */
export function formatConfigValue(value: ConfigValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}
