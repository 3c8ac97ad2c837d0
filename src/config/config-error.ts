// The one error type the config layer throws: startup must stop with a message naming the bad key.

/** A configuration problem; `key` is the offending config name when there is one. */
export class ConfigError extends Error {
  readonly key: string | undefined;

  constructor(message: string, key?: string) {
    super(message);
    this.name = 'ConfigError';
    this.key = key;
  }
}

/** Kafka's ConfigException wording, so operators see the message they already know. */
export function invalidValueMessage(name: string, value: string, reason: string): string {
  return `Invalid value ${value} for configuration ${name}: ${reason}`;
}
