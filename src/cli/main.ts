/**
 * The `tributary` command.
 *
 *   tributary start [--config server.properties] [--override key=value ...]
 *   tributary compat [--bootstrap host:port] [--format text|markdown|json|junit] [--output FILE]
 *   tributary topic|group|cluster <command> ...   (the client commands: commands.ts)
 *   tributary help [<command>], tributary completion bash|zsh
 *
 * Configuration as Kafka's: a properties file, then KAFKA_* environment variables (the official
 * image's mapping), then --override flags. A bad key or value is a startup error naming it.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, loadBrokerConfig, parseOverride, type ConfigSources } from '../config/index.js';
import { consoleLogger } from '../util/logger.js';
import { runNode } from '../node.js';

const USAGE = `Usage:
  tributary start [--config <server.properties>] [--override <key>=<value> ...]
  tributary start --nodes <n> [--controllers <c>] [--dir ./data/cluster] [--port 9092] [--override <key>=<value> ...]
  tributary compat [--bootstrap <host:port>] [--format text|markdown|json|junit] [--output <file>]
  tributary registry --bootstrap <host:port> [--listeners http://127.0.0.1:8081] [--topic _schemas]

Configuration uses Kafka's key names, from the properties file, KAFKA_* environment
variables (KAFKA_LOG_DIRS -> log.dirs) and --override flags, in that order of precedence.
Defaults: listeners=PLAINTEXT://127.0.0.1:9092, log.dirs=./data, node.id=1.

--nodes starts a local cluster of n processes (broker and controller each): node i listens on
port+i-1 (its controller listener on port+100+i-1), keeps its data in <dir>/node-<i>, and the
bootstrap list is printed; Ctrl-C stops them all. With --controllers c the roles are separate:
nodes 1..n are brokers (process.roles=broker) and n+1..n+c controller-only voters.

compat runs the Kafka client compatibility suites against a fresh Tributary or any endpoint
(tributary compat --help).`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE + '\n\n' + (await import('./help.js')).overview() + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command === 'help' && (rest[0] === 'start' || rest[0] === 'compat' || rest[0] === 'registry')) return main([rest[0], '--help']);
  if (command === 'registry') {
    const { registryMain } = await import('./registry.js');
    return registryMain(rest);
  }
  if (command !== 'start' && command !== 'compat') {
    // Loaded on demand: `start` must not pay for the client commands.
    const { clientMain } = await import('./client-main.js');
    return clientMain(argv);
  }
  if (command === 'compat') {
    // Loaded on demand: `start` must not pay for the compat suites.
    const { compatMain } = await import('../compat/cli.js');
    const { TRIBUTARY_CLUSTER_STARTER } = await import('./compat-cluster.js');
    return compatMain(rest, { tributaryCluster: TRIBUTARY_CLUSTER_STARTER });
  }
  if (rest.includes('--nodes')) {
    const { startLocalCluster } = await import('./start-cluster.js');
    return startLocalCluster(rest, USAGE);
  }
  return start(rest);
}

async function start(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const log = consoleLogger();
  let sources: ConfigSources;
  try {
    sources = await parseStartArgs(args);
  } catch (e) {
    process.stderr.write(`tributary: ${(e as Error).message}\n${USAGE}\n`);
    return 1;
  }
  let loaded;
  try {
    loaded = loadBrokerConfig(sources);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`tributary: configuration error: ${e.message}\n`);
    return 1;
  }
  let node;
  try {
    node = await runNode(loaded, { logger: log });
  } catch (e) {
    // A port that is taken or not ours to bind is the user's to fix: say so, without a stack trace.
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES'].includes(code)) throw e;
    process.stderr.write(`tributary: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  const broker = node.roles.includes('broker');
  // A controller-only node advertises nothing to clients: it names its controller listeners.
  const where = broker ? node.endpoints.map((e) => `${e.listenerName}://${e.host}:${e.port}`).join(', ') : loaded.config.listeners.map((l) => `${l.name}://${l.host}:${l.port}`).join(', ');
  const role = broker ? 'node' : 'controller';
  process.stdout.write(`Tributary ${role} ${node.nodeId} (cluster ${node.clusterId}) listening on ${where}${node.metricsUrls.map((u) => `, metrics on ${u}`).join('')}${node.schemaRegistryUrls.map((u) => `, schema registry on ${u}`).join('')}, data in ${node.logDirs.join(', ')}\n`);
  // In a cluster, once a quorum has formed and the controller has unfenced this broker (a
  // controller-only node: once it knows the quorum's leader).
  const how = broker ? 'registered with the active controller, unfenced' : 'a voter of the metadata quorum, which has a leader';
  void node.ready.then(() => process.stdout.write(`Tributary ${role} ${node.nodeId} is serving (${how})\n`));
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info(`${signal} received, shutting down`);
      node.stop().then(resolve, (e: unknown) => {
        log.error(`shutdown failed: ${String(e)}`);
        resolve();
      });
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  process.stdout.write('Tributary stopped\n');
  return 0;
}

async function parseStartArgs(args: readonly string[]): Promise<ConfigSources> {
  let properties: { text: string; name: string } | undefined;
  const overrides: [string, string][] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--config' || arg === '-c') {
      const path = value();
      properties = { text: await readFile(path, 'utf8'), name: path };
    } else if (arg === '--override') {
      overrides.push(parseOverride(value()));
    } else if (arg.startsWith('--config=')) {
      const path = arg.slice('--config='.length);
      properties = { text: await readFile(path, 'utf8'), name: path };
    } else {
      throw new Error(`unknown argument '${arg}'`);
    }
  }
  return { properties, env: process.env, overrides };
}
