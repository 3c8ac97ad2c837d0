// Public surface of src/config: load broker config, validate/describe topic and broker configs.

export { ConfigError } from './config-error.js';
export { CONFIG_TYPE_CODE, ConfigSource } from './config-types.js';
export type { ConfigDef, ConfigSourceCode, ConfigTypeName, ConfigValue } from './config-types.js';
export { loadBrokerConfig, parseOverride } from './load-config.js';
export type { ConfigSources, LoadedConfig, RawEntry, RawSource } from './load-config.js';
export type { BrokerConfig, ProcessRole, ReplicaSelectorKind } from './broker-config.js';
export type { HttpListener, Listener, QuorumVoter, SecurityProtocol } from './listeners.js';
export { parseHttpListeners } from './listeners.js';
export { parseProperties } from './properties.js';
export type { PropertyEntry } from './properties.js';
export { envNameToKey, envToEntries, IGNORED_KAFKA_ENV } from './env-mapping.js';
export { BROKER_CONFIG_DEFS, ACTED_ON_KEYS, TRIBUTARY_DEFS, lookupBrokerKey, validateBrokerValue } from './broker-config-defs.js';
export { describeBrokerConfig, describeBrokerConfigs } from './describe-broker.js';
export { TOPIC_CONFIGS, validateTopicConfig, validateTopicConfigs, describeTopicConfigs, effectiveTopicValue } from './topic-config.js';
export type { BrokerLayers, ConfigEntryDescription, ConfigSynonymDescription, ValueLayer } from './config-description.js';
export { nearestKey } from './suggest.js';
