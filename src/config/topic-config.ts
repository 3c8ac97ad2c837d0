// Topic-level configs: validation (CreateTopics / AlterConfigs answer INVALID_CONFIG with the message)
// and the effective config of a topic = its overrides over the broker defaults, described the way
// Kafka's DescribeConfigs does for a TOPIC resource:
//   - value: the override if set; else the first broker synonym set in any layer (dynamic broker,
//     dynamic default, static), converted to the topic unit (log.retention.hours → ms); else the
//     topic config's default;
//   - synonyms: TOPIC_CONFIG (if overridden), then the broker synonyms per layer, then the broker
//     keys' defaults (DEFAULT_CONFIG); source is the first synonym's (DEFAULT_CONFIG when none);
//   - topic configs are never read-only or sensitive.

import { CONFIG_TYPE_CODE, ConfigSource, type ConfigDef, type ConfigValue } from './config-types.js';
import { parseConfigValue, formatConfigValue, parseType } from './config-parse.js';
import { TOPIC_CONFIG_ROWS, type TopicConfigRow } from './topic-config-defs.js';
import { validatorFromSpec, type Validator } from './validator-spec.js';
import { brokerSynonyms, fromFirstOf } from './describe-broker.js';
import { layerValue, orderedLayers, type BrokerLayers, type ConfigEntryDescription } from './config-description.js';

export const TOPIC_CONFIGS: ReadonlyMap<string, TopicConfigRow> = new Map(TOPIC_CONFIG_ROWS.map((r) => [r.name, r]));

/** Kafka's ThrottledReplicaListValidator: `*` alone, or `partition:broker` pairs; its message names the key and shows the list. */
const throttledReplicas = (name: string): Validator => (value) => {
  const items = Array.isArray(value) ? (value as readonly string[]) : [];
  if (items.length === 1 && items[0] === '*') return null;
  if (items.every((i) => /^\d+:\d+$/.test(i))) return null;
  return {
    shown: `[${items.join(', ')}]`,
    reason: `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
  };
};

function topicDef(row: TopicConfigRow): ConfigDef {
  return { name: row.name, type: row.type, defaultValue: row.defaultValue, valid: row.valid, readOnly: false };
}

function topicValidator(row: TopicConfigRow): Validator {
  return row.valid === 'throttled-replicas' ? throttledReplicas(row.name) : validatorFromSpec(row.valid);
}

/** null when `name=value` is a valid topic config, else a message naming both (for INVALID_CONFIG). */
export function validateTopicConfig(name: string, value: string): string | null {
  const row = TOPIC_CONFIGS.get(name);
  if (!row) return `Unknown topic config name: ${name}`;
  const parsed = parseConfigValue(topicDef(row), value, topicValidator(row));
  return parsed.ok ? null : parsed.error;
}

/** Validates a whole set of overrides; the first problem, or null. */
export function validateTopicConfigs(overrides: ReadonlyMap<string, string>): string | null {
  for (const [name, value] of overrides) {
    const problem = validateTopicConfig(name, value);
    if (problem !== null) return problem;
  }
  return null;
}

/** Describes a topic's effective configs (every topic config, sorted, or just `keys`). */
export function describeTopicConfigs(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerLayers,
  keys?: readonly string[],
): ConfigEntryDescription[] {
  const names = keys ?? [...TOPIC_CONFIGS.keys()].sort();
  return names.flatMap((name) => {
    const row = TOPIC_CONFIGS.get(name);
    return row ? [describeTopicConfig(row, overrides, broker)] : [];
  });
}

function describeTopicConfig(row: TopicConfigRow, overrides: ReadonlyMap<string, string>, broker: BrokerLayers): ConfigEntryDescription {
  const override = overrides.get(row.name);
  // Kafka lists the broker synonyms from the first entry of the topic config's primary broker key
  // (log.retention.ms for retention.ms): a value that comes from log.retention.hours is reported
  // with source DEFAULT_CONFIG and no synonyms, as Apache Kafka 4.3.1 answers.
  const primary = row.synonyms[0]?.name;
  const synonyms = primary === undefined ? [] : fromFirstOf(primary, brokerSynonyms(broker, row.synonyms.map((s) => s.name), false));
  if (override !== undefined) synonyms.unshift({ name: row.name, value: override, source: ConfigSource.TOPIC_CONFIG });
  const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
  return {
    name: row.name,
    value: describedValue(row, override, broker),
    readOnly: false,
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    source,
    isSensitive: false,
    synonyms,
    configType: CONFIG_TYPE_CODE[row.type],
  };
}

/** The typed effective value of one topic config (what the storage layer should use). */
export function effectiveTopicValue(name: string, overrides: ReadonlyMap<string, string>, broker: BrokerLayers): ConfigValue {
  const row = TOPIC_CONFIGS.get(name);
  if (!row) throw new Error(`unknown topic config ${name}`);
  return effectiveValue(row, overrides.get(name), broker);
}

/** Where a topic config's effective value comes from: its string and the factor to the topic's unit. */
interface ValueSource {
  readonly raw: string;
  readonly toTopicUnit: number;
}

function effectiveSource(row: TopicConfigRow, override: string | undefined, broker: BrokerLayers): ValueSource | null {
  if (override !== undefined) return { raw: override, toTopicUnit: 1 };
  for (const synonym of row.synonyms) {
    const raw = firstLayerValue(broker, synonym.name);
    if (raw !== undefined) return { raw, toTopicUnit: synonym.toTopicUnit };
  }
  return row.defaultValue === null ? null : { raw: row.defaultValue, toTopicUnit: 1 };
}

function effectiveValue(row: TopicConfigRow, override: string | undefined, broker: BrokerLayers): ConfigValue {
  const src = effectiveSource(row, override, broker);
  if (src === null) return null;
  const v = typed(row, src.raw);
  if (typeof v !== 'number' || src.toTopicUnit === 1) return v;
  // Kafka's logRetentionTimeMillis: a negative retention in any unit means unlimited (-1).
  return v < 0 && row.name === 'retention.ms' ? -1 : v * src.toTopicUnit;
}

/**
 * DescribeConfigs' value: Kafka's string form of the effective value. Whole numbers are computed
 * exactly (as Java longs), not from the typed value: a LONG past 2^53 (Long.MAX_VALUE, Kafka's "no
 * limit", or any value a client set) must come back exactly as the client sent it.
 */
function describedValue(row: TopicConfigRow, override: string | undefined, broker: BrokerLayers): string | null {
  if (row.type !== 'LONG' && row.type !== 'INT' && row.type !== 'SHORT') return formatConfigValue(effectiveValue(row, override, broker));
  const src = effectiveSource(row, override, broker);
  const raw = src?.raw.trim();
  if (src === null || raw === undefined || !/^[+-]?\d+$/.test(raw)) return null;
  const v = BigInt(raw);
  if (src.toTopicUnit === 1) return v.toString();
  return (v < 0n && row.name === 'retention.ms' ? -1n : v * BigInt(src.toTopicUnit)).toString();
}

function firstLayerValue(broker: BrokerLayers, key: string): string | undefined {
  for (const [layer] of orderedLayers(broker)) {
    const v = layerValue(layer, key);
    if (v !== undefined) return v;
  }
  return undefined;
}

function typed(row: TopicConfigRow, raw: string): ConfigValue {
  const v = parseType(row.type, raw);
  return typeof v === 'object' && v !== null && 'typeError' in v ? null : v;
}
