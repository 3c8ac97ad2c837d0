// Loads a broker configuration from its sources, with no I/O: the caller passes file text, the
// environment and --override pairs. Precedence (lowest first): defaults < properties file <
// KAFKA_* environment < --override flags, so a flag always beats the file, as with
// kafka-server-start.sh.
//
// Nothing is silently ignored: an unknown key (not Kafka's, not tributary.*) or a malformed value is
// a ConfigError naming the key, its value and where it came from; known Kafka keys Tributary does not
// act on yet are accepted and listed in one warning.

import { ConfigError } from './config-error.js';
import type { ConfigValue } from './config-types.js';
import { parseConfigValue, parseDefault } from './config-parse.js';
import { parseProperties } from './properties.js';
import { envToEntries } from './env-mapping.js';
import { BROKER_CONFIG_DEFS, lookupBrokerKey } from './broker-config-defs.js';
import { buildBrokerConfig, type BrokerConfig } from './broker-config.js';
import { nearestKey } from './suggest.js';

export type RawSource = 'properties' | 'env' | 'override';

/** One explicitly set key: its final value and where that value came from. */
export interface RawEntry {
  readonly value: string;
  readonly source: RawSource;
  /** `server.properties:12`, `KAFKA_LOG_DIRS`, or `--override`. */
  readonly origin: string;
}

export interface ConfigSources {
  /** Contents of a .properties file; `name` labels errors (default "properties"). */
  readonly properties?: { readonly text: string; readonly name?: string };
  /** Usually process.env; only KAFKA_* variables are read. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--override key=value` flags, in command-line order. */
  readonly overrides?: ReadonlyArray<readonly [string, string]>;
}

export interface LoadedConfig {
  readonly config: BrokerConfig;
  readonly warnings: string[];
  /** Explicitly set keys (after precedence) and where each came from. */
  readonly raw: Map<string, RawEntry>;
  /** Parsed value of every explicitly set key (describe and topic defaults read these). */
  readonly values: ReadonlyMap<string, ConfigValue>;
}

export function loadBrokerConfig(sources: ConfigSources): LoadedConfig {
  const raw = collectRaw(sources);
  rejectUnknownKeys(raw);
  const values = parseExplicit(raw);
  const config = buildBrokerConfig({
    get: (key) => (values.has(key) ? (values.get(key) ?? null) : defaultOf(key)),
    isSet: (key) => values.has(key),
  });
  return { config, warnings: unimplementedWarning(raw), raw, values };
}

/** Splits a `--override` argument `key=value` (the first '=' separates, as Kafka's CLI does). */
export function parseOverride(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new ConfigError(`--override expects key=value, got "${arg}"`);
  return [arg.slice(0, eq).trim(), arg.slice(eq + 1)];
}

function collectRaw(sources: ConfigSources): Map<string, RawEntry> {
  const raw = new Map<string, RawEntry>();
  const fileName = sources.properties?.name ?? 'properties';
  for (const e of sources.properties ? parseProperties(sources.properties.text) : []) {
    raw.set(e.key, { value: e.value, source: 'properties', origin: `${fileName}:${e.line}` });
  }
  for (const e of envToEntries(sources.env ?? {})) {
    raw.set(e.key, { value: e.value, source: 'env', origin: e.variable });
  }
  for (const [key, value] of sources.overrides ?? []) {
    raw.set(key, { value, source: 'override', origin: '--override' });
  }
  return raw;
}

function rejectUnknownKeys(raw: ReadonlyMap<string, RawEntry>): void {
  const unknown = [...raw.entries()].filter(([key]) => lookupBrokerKey(key) === undefined);
  const first = unknown[0];
  if (first === undefined) return;
  const lines = unknown.map(([key, entry]) => {
    const hint = nearestKey(key, BROKER_CONFIG_DEFS.keys());
    return `unknown config key "${key}" (from ${entry.origin})${hint ? `; did you mean "${hint}"?` : ''}`;
  });
  throw new ConfigError(lines.join('\n'), first[0]);
}

function parseExplicit(raw: ReadonlyMap<string, RawEntry>): Map<string, ConfigValue> {
  const values = new Map<string, ConfigValue>();
  for (const [key, entry] of raw) {
    const known = lookupBrokerKey(key);
    if (!known) continue; // unreachable: rejectUnknownKeys ran first
    const parsed = parseConfigValue(known.def, entry.value);
    if (!parsed.ok) throw new ConfigError(`${parsed.error} (from ${entry.origin})`, key);
    values.set(key, parsed.value);
  }
  return values;
}

function defaultOf(key: string): ConfigValue {
  const def = BROKER_CONFIG_DEFS.get(key);
  return def ? parseDefault(def) : null;
}

function unimplementedWarning(raw: ReadonlyMap<string, RawEntry>): string[] {
  const keys = [...raw.keys()].filter((key) => lookupBrokerKey(key)?.actedOn === false).sort();
  if (keys.length === 0) return [];
  return [`Tributary accepts but does not yet act on these Kafka configs: ${keys.join(', ')}`];
}
