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
}

// The implementation over src/config: static broker values (file, env, flags) plus Kafka's
// defaults; topic overrides come from the metadata image.
import { describeBrokerConfigs, describeTopicConfigs, effectiveTopicValue, validateTopicConfig, type BrokerLayers, type ConfigValue, type LoadedConfig } from '../config/index.js';

export class StaticConfigService implements ConfigService {
  private readonly layers: BrokerLayers;

  constructor(loaded: LoadedConfig) {
    this.layers = { staticBroker: loaded.raw };
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
