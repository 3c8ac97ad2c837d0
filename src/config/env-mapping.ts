// Maps KAFKA_* environment variables to config keys the way the official apache/kafka Docker image
// does (docker/resources/common-scripts/configure → `utility render-properties` with
// kafka-propertiesSpec.json, prefix KAFKA stripped):
//   strip `KAFKA_`, lowercase, then `___` → `-`, `__` → `_`, `_` → `.`
//   KAFKA_LOG_DIRS → log.dirs, KAFKA_NUM_PARTITIONS → num.partitions,
//   KAFKA_LISTENER_NAME_SASL__SSL_… → listener.name.sasl_ssl.…, KAFKA_A___B → a-b
// Variables the image keeps for itself are ignored, not mapped: the spec's "excludes" list, the JVM
// variables kafka-run-class.sh reads, and the SSL file/credential helpers the configure script turns
// into ssl.* properties itself.

export interface EnvEntry {
  readonly key: string;
  readonly value: string;
  /** The variable it came from, for error messages. */
  readonly variable: string;
}

/** kafka-propertiesSpec.json "excludes" (KAFKA_HEAP_OPT is spelled so there) plus kafka-run-class.sh's own. */
export const IGNORED_KAFKA_ENV: ReadonlySet<string> = new Set([
  'KAFKA_VERSION', 'KAFKA_HEAP_OPT', 'KAFKA_HEAP_OPTS', 'KAFKA_LOG4J_OPTS', 'KAFKA_OPTS',
  'KAFKA_JMX_OPTS', 'KAFKA_JVM_PERFORMANCE_OPTS', 'KAFKA_GC_LOG_OPTS', 'KAFKA_LOG4J_ROOT_LOGLEVEL',
  'KAFKA_LOG4J_LOGGERS', 'KAFKA_TOOLS_LOG4J_LOGLEVEL', 'KAFKA_HOME', 'KAFKA_DEBUG', 'KAFKA_CLASSPATH',
  'KAFKA_SSL_KEYSTORE_FILENAME', 'KAFKA_SSL_KEY_CREDENTIALS', 'KAFKA_SSL_KEYSTORE_CREDENTIALS',
  'KAFKA_SSL_TRUSTSTORE_FILENAME', 'KAFKA_SSL_TRUSTSTORE_CREDENTIALS',
]);

/** The config key for one variable name (no prefix check). */
export function envNameToKey(variable: string): string {
  return variable
    .replace(/^KAFKA_/, '')
    .toLowerCase()
    .replace(/___/g, '\u0000')
    .replace(/__/g, '\u0001')
    .replace(/_/g, '.')
    .replace(/\u0000/g, '-')
    .replace(/\u0001/g, '_');
}

/** Every mapped KAFKA_* variable, sorted by name so the result does not depend on env order. */
export function envToEntries(env: Readonly<Record<string, string | undefined>>): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const variable of Object.keys(env).sort()) {
    const value = env[variable];
    if (!variable.startsWith('KAFKA_') || value === undefined || IGNORED_KAFKA_ENV.has(variable)) continue;
    out.push({ key: envNameToKey(variable), value, variable });
  }
  return out;
}
