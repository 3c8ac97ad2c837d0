/**
 * What the request handlers need from configuration: validating topic configs and describing
 * topic and broker configs with Kafka's sources and synonyms. Implemented over src/config by the
 * node; declared here so handlers and controller commands depend on the capability, not the module.
 */
export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  /** Kafka's ConfigSource code (TOPIC_CONFIG=1 … DEFAULT_CONFIG=5). */
  source: number;
  isSensitive: boolean;
  synonyms: ConfigSynonym[];
  /** Kafka's ConfigType code (BOOLEAN=1 … PASSWORD=9). */
  configType: number;
  documentation: string | null;
}

export interface ConfigService {
  /** null when `name=value` is a valid topic config, else a message naming both (INVALID_CONFIG). */
  validateTopicConfig(name: string, value: string | null): string | null;
  describeTopic(overrides: ReadonlyMap<string, string>): DescribedConfig[];
  describeBroker(): DescribedConfig[];
  /**
   * null when `name=value` may be set dynamically on a BROKER resource, else the INVALID_CONFIG
   * message (unknown key, read-only key, bad value).
   */
  validateBrokerConfig(name: string, value: string): string | null;
  /** The type (Kafka's ConfigDef type name) and default of a topic or broker key, if known. */
  keyInfo(resourceType: number, name: string): { type: string; defaultValue: string | null } | undefined;
}

// The implementation over src/config: the dynamic broker layers (per-broker and cluster-default
// values set by AlterConfigs, read from the metadata image on every call so a change applies at
// once), the static values (file, env, flags), then Kafka's defaults; topic overrides also come
// from the metadata image.
import { describeBrokerConfigs, describeTopicConfigs, effectiveTopicValue, lookupBrokerKey, TOPIC_CONFIGS, validateBrokerValue, validateTopicConfig, type BrokerLayers, type ConfigValue, type LoadedConfig, type ValueLayer } from '../config/index.js';

/** Where the dynamic broker layers come from (the metadata image's BROKER config resources). */
export interface DynamicBrokerLayers {
  /** Values set for this broker (resource name = node id). */
  perBroker(): ValueLayer;
  /** Cluster-wide defaults (resource name ''). */
  clusterDefault(): ValueLayer;
}

const TOPIC_RESOURCE = 2;

export class StaticConfigService implements ConfigService {
  private readonly staticLayer: ValueLayer;

  constructor(
    loaded: LoadedConfig,
    private readonly dynamic?: DynamicBrokerLayers,
  ) {
    this.staticLayer = loaded.raw;
  }

  private get layers(): BrokerLayers {
    if (this.dynamic === undefined) return { staticBroker: this.staticLayer };
    return { dynamicBroker: this.dynamic.perBroker(), dynamicDefaultBroker: this.dynamic.clusterDefault(), staticBroker: this.staticLayer };
  }

  validateBrokerConfig(name: string, value: string): string | null {
    const known = lookupBrokerKey(name);
    if (known === undefined) return `Unknown broker config name: ${name}`;
    if (known.def.readOnly) return `Cannot update these configs dynamically: [${name}]`;
    return validateBrokerValue(name, value);
  }

  keyInfo(resourceType: number, name: string): { type: string; defaultValue: string | null } | undefined {
    if (resourceType === TOPIC_RESOURCE) {
      const row = TOPIC_CONFIGS.get(name);
      return row === undefined ? undefined : { type: row.type, defaultValue: row.defaultValue };
    }
    const known = lookupBrokerKey(name);
    return known === undefined ? undefined : { type: known.def.type, defaultValue: known.def.defaultValue };
  }

  validateTopicConfig(name: string, value: string | null): string | null {
    // A null value in CreateTopics means "use the default", which is always valid.
    return value === null ? null : validateTopicConfig(name, value);
  }

  describeTopic(overrides: ReadonlyMap<string, string>): DescribedConfig[] {
    return describeTopicConfigs(overrides, this.layers).map((e) => ({ ...e, synonyms: [...e.synonyms], documentation: null }));
  }

  describeBroker(): DescribedConfig[] {
    return describeBrokerConfigs(this.layers).map((e) => ({ ...e, synonyms: [...e.synonyms], documentation: null }));
  }

  /** A topic's effective value of one topic config (override, else broker synonym, else default). */
  topicValue(name: string, overrides: ReadonlyMap<string, string>): ConfigValue {
    return effectiveTopicValue(name, overrides, this.layers);
  }
}
