// The DescribeConfigs view of a config entry, shared by broker and topic describe.
//
// Mirrors DescribeConfigsResponse's Result/Synonym fields (value as a string, null when sensitive or
// unset; source and config type as wire codes) so the handler in src/kafka only copies fields.

import { ConfigSource, type ConfigSourceCode } from './config-types.js';

export interface ConfigSynonymDescription {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSourceCode;
}

export interface ConfigEntryDescription {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /** DescribeConfigs v0's is_default: true when source is DEFAULT_CONFIG. */
  readonly isDefault: boolean;
  readonly source: ConfigSourceCode;
  readonly isSensitive: boolean;
  readonly synonyms: readonly ConfigSynonymDescription[];
  /** DescribeConfigs v3+ config_type (CONFIG_TYPE_CODE). */
  readonly configType: number;
}

/** One layer of explicitly set broker values, in Kafka's precedence order (see BrokerLayers). */
export type ValueLayer = ReadonlyMap<string, string | { readonly value: string }>;

/**
 * Broker-side values by layer, highest precedence first as Kafka merges them: per-broker dynamic
 * (DYNAMIC_BROKER_CONFIG), cluster-default dynamic (DYNAMIC_DEFAULT_BROKER_CONFIG), then the static
 * file/env/flags (STATIC_BROKER_CONFIG). Defaults come from the definitions (DEFAULT_CONFIG).
 */
export interface BrokerLayers {
  readonly dynamicBroker?: ValueLayer;
  readonly dynamicDefaultBroker?: ValueLayer;
  readonly staticBroker?: ValueLayer;
}

export function layerValue(layer: ValueLayer | undefined, key: string): string | undefined {
  const v = layer?.get(key);
  return v === undefined ? undefined : typeof v === 'string' ? v : v.value;
}

/** Layers in precedence order with their source codes. */
export function orderedLayers(layers: BrokerLayers): Array<[ValueLayer | undefined, ConfigSourceCode]> {
  return [
    [layers.dynamicBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [layers.dynamicDefaultBroker, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [layers.staticBroker, ConfigSource.STATIC_BROKER_CONFIG],
  ];
}
