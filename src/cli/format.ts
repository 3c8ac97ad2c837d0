/**
 * Record templates, as kcat's -f and rpk's --format: %t topic, %p partition, %o offset, %T
 * timestamp (ms), %k key, %v value, %h headers (k=v,k=v), %K / %S key and value sizes, %% a percent
 * sign, and the escapes \n \t \r \\ . The same template parses produce input: each %k %v %h %p is
 * captured from the line (the text between them is the separator), so what consume prints with a
 * template, produce reads back with it.
 */
import type { FetchedRecord } from '../client/records.js';
import { UsageError } from './args.js';

/** A record as the templates see it: what a Fetch (or kafkajs, for groups) hands back. */
export type FormattedRecord = FetchedRecord;

type Token = { lit: string } | { field: string };

const FIELDS = new Set(['t', 'p', 'o', 'T', 'k', 'v', 'h', 'K', 'S']);

export function unescape(s: string): string {
  return s.replace(/\\([ntr\\])/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? c);
}

function tokens(template: string): Token[] {
  const out: Token[] = [];
  let lit = '';
  const t = unescape(template);
  for (let i = 0; i < t.length; i++) {
    const c = t[i] as string;
    if (c !== '%') {
      lit += c;
      continue;
    }
    const f = t[++i];
    if (f === '%') {
      lit += '%';
      continue;
    }
    if (f === undefined || !FIELDS.has(f)) throw new UsageError(`--format: unknown field %${f ?? ''} (known: %t %p %o %T %k %v %h %K %S %%)`);
    if (lit !== '') out.push({ lit });
    lit = '';
    out.push({ field: f });
  }
  if (lit !== '') out.push({ lit });
  return out;
}

function text(b: Buffer | null): string {
  return b === null ? '' : b.toString('utf8');
}

/** Compiles a template into a function from a record to its text. */
export function formatter(template: string): (r: FormattedRecord) => string {
  const ts = tokens(template);
  return (r) => ts.map((t) => ('lit' in t ? t.lit : field(t.field, r))).join('');
}

function field(f: string, r: FormattedRecord): string {
  switch (f) {
    case 't': return r.topic;
    case 'p': return String(r.partition);
    case 'o': return String(r.offset);
    case 'T': return String(r.timestamp);
    case 'k': return text(r.key);
    case 'v': return text(r.value);
    case 'K': return String(r.key?.length ?? -1);
    case 'S': return String(r.value?.length ?? -1);
    default: return r.headers.map((h) => `${h.key}=${text(h.value)}`).join(',');
  }
}

/** One record as --json prints it: strings for key, value and header values (null stays null). */
export function recordJson(r: FormattedRecord): Record<string, unknown> {
  return {
    topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp,
    key: r.key === null ? null : text(r.key),
    value: r.value === null ? null : text(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : text(h.value) })),
  };
}

export interface ParsedLine {
  key?: string;
  value?: string;
  headers?: { key: string; value: string }[];
  partition?: number;
}

/**
 * A parser for produce input: the template as a regular expression, each field a lazy group (the
 * last one greedy), anchored at both ends. A line that does not match is an error naming it.
 */
export function lineParser(template: string): (line: string) => ParsedLine {
  const ts = tokens(template.replace(/(\\n|\n)$/, ''));
  const names: string[] = [];
  const re = ts.map((t, i) => {
    if ('lit' in t) return t.lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (!['k', 'v', 'h', 'p'].includes(t.field)) throw new UsageError(`--format for produce reads only %k %v %h %p, not %${t.field}`);
    names.push(t.field);
    return i === ts.length - 1 ? '(.*)' : '(.*?)';
  }).join('');
  const rx = new RegExp(`^${re}$`, 's');
  return (line) => {
    const m = rx.exec(line);
    if (m === null) throw new UsageError(`input line does not match --format '${template}': ${line.slice(0, 80)}`);
    const out: ParsedLine = {};
    names.forEach((f, i) => {
      const s = m[i + 1] ?? '';
      if (f === 'k') out.key = s;
      else if (f === 'v') out.value = s;
      else if (f === 'p') out.partition = Number(s);
      else out.headers = parseHeaders(s);
    });
    return out;
  };
}

/** `k=v,k2=v2` (as %h prints them; an empty string is no headers). */
export function parseHeaders(s: string): { key: string; value: string }[] {
  if (s === '') return [];
  return s.split(',').map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`header '${kv}' is not key=value`);
    return { key: kv.slice(0, i), value: kv.slice(i + 1) };
  });
}
