/**
 * `tributary registry`: the schema registry alone, against any Kafka-compatible cluster, keeping its
 * state in that cluster's `_schemas` topic (Confluent's format, so Confluent's registry and ours
 * can share it).
 *
 *   tributary registry --bootstrap host:port[,host:port] [--listeners http://127.0.0.1:8081] [--topic _schemas]
 */
import { ConfigError, parseHttpListeners } from '../config/index.js';
import { systemClock } from '../io/clock.js';
import { consoleLogger } from '../util/logger.js';
import { startSchemaRegistry } from '../schema-registry/server.js';

export const REGISTRY_USAGE = `  tributary registry --bootstrap <host:port>[,<host:port>...] [--listeners http://127.0.0.1:8081] [--topic _schemas]`;

interface RegistryArgs {
  bootstrap: string[];
  listeners: string;
  topic: string;
}

function parseArgs(args: readonly string[]): RegistryArgs {
  const out: RegistryArgs = { bootstrap: [], listeners: 'http://127.0.0.1:8081', topic: '_schemas' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--bootstrap' || flag === '--bootstrap-server') out.bootstrap = value().split(',').map((s) => s.trim()).filter((s) => s !== '');
    else if (flag === '--listeners') out.listeners = value();
    else if (flag === '--topic') out.topic = value();
    else throw new Error(`unknown argument '${arg}'`);
  }
  if (out.bootstrap.length === 0) throw new Error('--bootstrap is required');
  return out;
}

export async function registryMain(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`Usage:\n${REGISTRY_USAGE}\n`);
    return 0;
  }
  const log = consoleLogger();
  let parsed: RegistryArgs;
  let listeners;
  try {
    parsed = parseArgs(args);
    listeners = parseHttpListeners('--listeners', parsed.listeners);
    if (listeners.length === 0) throw new Error('--listeners must name at least one http://host:port');
  } catch (e) {
    if (!(e instanceof Error) && !(e instanceof ConfigError)) throw e;
    // A usage error: exit 2, as every other tributary command.
    process.stderr.write(`tributary registry: ${(e as Error).message}\nUsage:\n${REGISTRY_USAGE}\n`);
    return 2;
  }
  let registry;
  try {
    registry = await startSchemaRegistry({ bootstrap: parsed.bootstrap, listeners, topic: parsed.topic, clock: systemClock, logger: log });
  } catch (e) {
    process.stderr.write(`tributary registry: cannot start: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  process.stdout.write(`Tributary schema registry on ${registry.urls.join(', ')}, state in ${parsed.topic} on ${parsed.bootstrap.join(',')}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = (): void => {
      registry.close().then(resolve, () => resolve());
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  return 0;
}
