// Shared vocabulary of the config layer: Kafka's ConfigDef types, DescribeConfigs codes, definitions.
//
// The numeric codes are wire values (DescribeConfigs v1+ ConfigSource, v3+ ConfigType), so they must
// match Kafka's DescribeConfigsResponse exactly; everything else in src/config builds on these types.

/** Kafka's ConfigDef.Type names. */
export type ConfigTypeName =
  | 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';

/** DescribeConfigs v3+ `config_type` (ConfigResource.Type in the response, KIP-569). */
export const CONFIG_TYPE_CODE: Readonly<Record<ConfigTypeName, number>> = {
  BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9,
};

/** DescribeConfigs v1+ `config_source` (DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;
export type ConfigSourceCode = (typeof ConfigSource)[keyof typeof ConfigSource];

/** A parsed config value. LONG values are JS numbers (see config-parse.ts for the 2^53 rule). */
export type ConfigValue = boolean | number | string | readonly string[] | null;

/** One key's definition, as Kafka's ConfigDef.ConfigKey has it (minus documentation). */
export interface ConfigDef {
  readonly name: string;
  readonly type: ConfigTypeName;
  /** Kafka's string form of the default; null when the key has no default (value stays null). */
  readonly defaultValue: string | null;
  /** Kafka's documented "Valid Values" form, e.g. `[1,...]`, `[delete, compact]`; '' accepts any. */
  readonly valid: string;
  /** True when DescribeConfigs reports the key as read-only (Kafka: not dynamically updatable). */
  readonly readOnly: boolean;
}
