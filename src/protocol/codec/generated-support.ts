/** Small helpers the generated codecs share (kept out of the generated files so they stay short). */
import { DecodeError } from './decode-error.js';

export const EMPTY: Buffer = Buffer.alloc(0);

export function nonNull<T>(v: T | null, field: string): T {
  if (v === null) throw new DecodeError(`${field} element is null`);
  return v;
}

/** Whether a tagged field holds its default (and so is left out of the tagged section). */
export function isDefault(value: unknown, dflt: unknown): boolean {
  if (value === dflt) return true;
  if (Buffer.isBuffer(value) && Buffer.isBuffer(dflt)) return value.equals(dflt);
  if (Array.isArray(value) && Array.isArray(dflt)) {
    return value.length === dflt.length && value.every((v, i) => isDefault(v, dflt[i]));
  }
  // A struct holds its default when every field does (Kafka compares the whole struct).
  if (value !== null && dflt !== null && typeof value === 'object' && typeof dflt === 'object') {
    const a = value as Record<string, unknown>;
    const b = dflt as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (a[k] !== undefined && !isDefault(a[k], b[k])) return false;
    return true;
  }
  return false;
}
