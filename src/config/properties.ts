// Parses Java .properties text exactly as java.util.Properties.load does (the format Kafka reads).
//
// Rules: natural lines end at \n, \r or \r\n; a line ending in an odd number of backslashes continues
// on the next one with that line's leading whitespace dropped; blank lines and lines whose first
// non-blank character is # or ! are comments (a comment never continues). The key ends at the first
// unescaped '=', ':' or whitespace; whitespace, then at most one '=' or ':', then whitespace separate
// it from the value. Escapes: \t \n \r \f \uXXXX, and a backslash before any other character stands
// for that character (so \= \: \# \  \\). Trailing whitespace of a value is kept, as in Java; Kafka's
// ConfigDef trims it later for every type except PASSWORD. The caller decodes the file: Kafka reads
// it as ISO-8859-1, so portable files spell non-ASCII as \uXXXX either way.

import { ConfigError } from './config-error.js';

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** 1-based number of the natural line the entry starts on (for error messages). */
  readonly line: number;
}

const BLANK = new Set([' ', '\t', '\f']);

/** All entries in file order; a repeated key appears twice (the later one wins when applied). */
export function parseProperties(text: string): PropertyEntry[] {
  const entries: PropertyEntry[] = [];
  for (const logical of logicalLines(text)) {
    const entry = parseLogicalLine(logical.text, logical.line);
    if (entry) entries.push(entry);
  }
  return entries;
}

interface LogicalLine { text: string; line: number }

function logicalLines(text: string): LogicalLine[] {
  const natural = text.split(/\r\n|\r|\n/);
  const out: LogicalLine[] = [];
  let i = 0;
  while (i < natural.length) {
    const start = i;
    let current = stripLeadingBlank(natural[i] ?? '');
    i++;
    if (current === '' || current.startsWith('#') || current.startsWith('!')) continue;
    while (endsWithContinuation(current) && i <= natural.length) {
      current = current.slice(0, -1) + stripLeadingBlank(natural[i] ?? '');
      i++;
    }
    out.push({ text: current, line: start + 1 });
  }
  return out;
}

function stripLeadingBlank(s: string): string {
  let k = 0;
  while (k < s.length && BLANK.has(s[k] ?? '')) k++;
  return s.slice(k);
}

function endsWithContinuation(s: string): boolean {
  let slashes = 0;
  for (let k = s.length - 1; k >= 0 && s[k] === '\\'; k--) slashes++;
  return slashes % 2 === 1;
}

function parseLogicalLine(text: string, line: number): PropertyEntry | null {
  const keyEnd = findKeyEnd(text);
  let k = keyEnd;
  while (k < text.length && BLANK.has(text[k] ?? '')) k++;
  if (k < text.length && (text[k] === '=' || text[k] === ':')) k++;
  while (k < text.length && BLANK.has(text[k] ?? '')) k++;
  const key = unescape(text.slice(0, keyEnd), line);
  const value = unescape(text.slice(k), line);
  return { key, value, line };
}

function findKeyEnd(text: string): number {
  let k = 0;
  while (k < text.length) {
    const c = text[k];
    if (c === '\\') { k += 2; continue; }
    if (c === '=' || c === ':' || BLANK.has(c ?? '')) return k;
    k++;
  }
  return text.length;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k] ?? '';
    if (c !== '\\') { out += c; continue; }
    const next = s[++k];
    if (next === undefined) break; // a lone trailing backslash is dropped, as Java does at EOF
    if (next === 'u') {
      const hex = s.slice(k + 1, k + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new ConfigError(`Malformed \\uxxxx encoding on line ${line}`);
      out += String.fromCharCode(parseInt(hex, 16));
      k += 4;
      continue;
    }
    out += SIMPLE_ESCAPES[next] ?? next;
  }
  return out;
}
