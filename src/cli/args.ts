/**
 * Command-line parsing for the data and admin commands (node's util.parseArgs, strict): the options
 * every command takes (-b/--brokers, -X key=value, --json, -h/--help) merged with each command's own,
 * and where the brokers come from when -b is not given: TRIBUTARY_BROKERS, then the profile file
 * (TRIBUTARY_PROFILE, default ~/.config/tributary/profile.properties: `brokers=` and client
 * properties), then 127.0.0.1:9092.
 *
 * A bad flag or value is a UsageError (exit 2) naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  brokers: { type: 'string', short: 'b' },
  X: { type: 'string', short: 'X', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Parsed {
  readonly values: Values;
  readonly positionals: string[];
}

/**
 * `--shift-by -5` and `-o -10` as the user means them: parseArgs would read a value that starts with
 * '-' as an option, so a negative number after a value-taking option is joined to it (`--shift-by=-5`).
 */
function joinNegativeValues(args: readonly string[], options: Options): string[] {
  const takesValue = (a: string): boolean => {
    const long = /^--([^=]+)$/.exec(a)?.[1];
    if (long !== undefined) return options[long]?.type === 'string';
    const short = /^-(.)$/.exec(a)?.[1];
    return short !== undefined && Object.values(options).some((o) => o.short === short && o.type === 'string');
  };
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const next = args[i + 1];
    if (next !== undefined && /^-\d+$/.test(next) && takesValue(a)) {
      out.push(a.startsWith('--') ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parse(args: readonly string[], options: Options): Parsed {
  try {
    const all = { ...COMMON_OPTIONS, ...options };
    const r = parseArgs({ args: joinNegativeValues(args, all), options: all, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

export function str(v: Values, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

export function strs(v: Values, name: string): string[] {
  const x = v[name];
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : typeof x === 'string' ? [x] : [];
}

export function flag(v: Values, name: string): boolean {
  return v[name] === true;
}

/** An integer option within [min, max], or `dflt` when absent. */
export function int(v: Values, name: string, dflt: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const s = str(v, name);
  if (s === undefined) return dflt;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, not '${s}'`);
  return n;
}

/** `key=value` pairs (for -X, --config), split at the first '='. */
export function keyValues(list: readonly string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${what} '${kv}' is not key=value`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export interface Connection {
  readonly brokers: string[];
  readonly properties: Map<string, string>;
}

/** The profile file's properties (empty when there is none). */
function profile(env: NodeJS.ProcessEnv): Map<string, string> {
  const path = env['TRIBUTARY_PROFILE'] ?? join(homedir(), '.config', 'tributary', 'profile.properties');
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const i = t.indexOf('=');
    if (i > 0) out.set(t.slice(0, i).trim(), t.slice(i + 1).trim());
  }
  return out;
}

/** Brokers and client properties: flags, then TRIBUTARY_BROKERS, then the profile file, then 127.0.0.1:9092. */
export function connection(v: Values, env: NodeJS.ProcessEnv = process.env): Connection {
  const props = profile(env);
  for (const [k, val] of Object.entries(keyValues(strs(v, 'X'), '-X'))) props.set(k, val);
  const list = str(v, 'brokers') ?? env['TRIBUTARY_BROKERS'] ?? props.get('brokers') ?? props.get('bootstrap.servers') ?? '127.0.0.1:9092';
  const brokers = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (brokers.length === 0) throw new UsageError('no brokers given (-b host:port)');
  return { brokers, properties: props };
}
