// DescribeConfigs for a BROKER resource: every key we know with its value, source and synonyms,
// following Kafka's ConfigHelper/DynamicBrokerConfig rules:
//   - synonyms of log.retention.*, log.roll.*, log.roll.jitter.* and log.flush.interval.ms are the
//     related keys from the described one onward (ms, minutes, hours), each in every layer that sets
//     it, defaults last; a listener-prefixed key has its base key as synonym; then, as Kafka's
//     configSynonyms does, every entry before the first one of the described key itself is dropped
//     (so log.retention.ms, unset, has no synonyms even when log.retention.hours is set: asked of
//     Apache Kafka 4.3.1);
//   - source is the first synonym's source (DEFAULT_CONFIG when none);
//   - PASSWORD values are sensitive: value null, in synonyms too.

import { BROKER_CONFIG_DEFS, lookupBrokerKey } from './broker-config-defs.js';
import { CONFIG_TYPE_CODE, ConfigSource } from './config-types.js';
import { layerValue, orderedLayers, type BrokerLayers, type ConfigEntryDescription, type ConfigSynonymDescription } from './config-description.js';

const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
];

/** Describes `keys` (default: every known broker key, sorted); unknown names are skipped. */
export function describeBrokerConfigs(layers: BrokerLayers, keys?: readonly string[]): ConfigEntryDescription[] {
  const names = keys ?? [...BROKER_CONFIG_DEFS.keys()].sort();
  const out: ConfigEntryDescription[] = [];
  for (const name of names) {
    const entry = describeBrokerConfig(layers, name);
    if (entry) out.push(entry);
  }
  return out;
}

export function describeBrokerConfig(layers: BrokerLayers, name: string): ConfigEntryDescription | undefined {
  const known = lookupBrokerKey(name);
  if (!known) return undefined;
  const sensitive = known.def.type === 'PASSWORD';
  const synonyms = fromFirstOf(name, brokerSynonyms(layers, synonymNames(name), sensitive));
  const own = synonyms.find((s) => s.name === name);
  const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
  return {
    name,
    value: sensitive ? null : (own?.value ?? null),
    readOnly: known.def.readOnly,
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    source,
    isSensitive: sensitive,
    synonyms,
    configType: CONFIG_TYPE_CODE[known.def.type],
  };
}

function synonymNames(name: string): string[] {
  const group = SYNONYM_GROUPS.find((g) => g.includes(name));
  if (group) return group.slice(group.indexOf(name));
  const base = /^listener\.name\.[^.]+\.(.+)$/.exec(name)?.[1];
  return base !== undefined && BROKER_CONFIG_DEFS.has(base) ? [name, base] : [name];
}

/** Kafka's ConfigHelper.configSynonyms: each layer over all names, then defaults. */
export function brokerSynonyms(layers: BrokerLayers, names: readonly string[], sensitive: boolean): ConfigSynonymDescription[] {
  const out: ConfigSynonymDescription[] = [];
  for (const [layer, source] of orderedLayers(layers)) {
    for (const n of names) {
      const v = layerValue(layer, n);
      if (v !== undefined) out.push({ name: n, value: sensitive ? null : v, source });
    }
  }
  for (const n of names) {
    const d = BROKER_CONFIG_DEFS.get(n)?.defaultValue;
    if (d !== undefined && d !== null) out.push({ name: n, value: sensitive ? null : d, source: ConfigSource.DEFAULT_CONFIG });
  }
  return out;
}

/** Kafka's `allSynonyms.dropWhile(s => s.name != name)`: the synonyms from the first one named `name`. */
export function fromFirstOf(name: string, synonyms: ConfigSynonymDescription[]): ConfigSynonymDescription[] {
  const first = synonyms.findIndex((s) => s.name === name);
  return first < 0 ? [] : synonyms.slice(first);
}
