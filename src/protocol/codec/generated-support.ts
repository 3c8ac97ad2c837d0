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
  if (Array.isArray(value) && Array.isArray(dflt)) return value.length === 0 && dflt.length === 0;
  if (Buffer.isBuffer(value) && Buffer.isBuffer(dflt)) return value.equals(dflt);
  return false;
}
