/**
 * What a subcommand is (its words, options, help text and run function), how it reaches the
 * cluster (`withCluster`: -b/-X into a KafkaCluster, closed afterwards whatever happens), and how
 * failures become exit codes: 1 with one line "tributary: <what failed>: <Kafka error name>:
 * <message>" for a failed operation, 2 with usage for a bad command line, never a stack trace.
 */
import type { ParseArgsConfig } from 'node:util';
import { KafkaCluster } from '../client/cluster.js';
import { AddressError, EndpointError } from '../client/connection.js';
import { KafkaError } from '../client/kafka-error.js';
import { connection, UsageError, type Parsed } from './args.js';
import { red, stderr } from './output.js';

export interface Command {
  /** e.g. ['topic', 'create']. */
  readonly words: readonly string[];
  readonly summary: string;
  /** The synopsis after the words: `<name> [-p N] ...`. */
  readonly usage: string;
  /** Option descriptions, one per line, as help prints them. */
  readonly details: string;
  readonly examples: readonly string[];
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(p: Parsed): Promise<number>;
}

/** Client properties this client acts on; any other -X key is an error rather than silently ignored. */
const KNOWN_PROPERTIES = new Set(['client.id', 'request.timeout.ms', 'socket.connection.setup.timeout.ms', 'security.protocol', 'brokers', 'bootstrap.servers']);

/** Opens the cluster named by -b / TRIBUTARY_BROKERS / the profile, runs `fn`, closes it. */
export async function withCluster<T>(p: Parsed, fn: (c: KafkaCluster) => Promise<T>): Promise<T> {
  const conn = connection(p.values);
  for (const k of conn.properties.keys()) {
    if (!KNOWN_PROPERTIES.has(k)) throw new UsageError(`-X ${k}: not a client property tributary acts on (known: ${[...KNOWN_PROPERTIES].join(', ')})`);
  }
  const protocol = conn.properties.get('security.protocol') ?? 'PLAINTEXT';
  if (protocol.toUpperCase() !== 'PLAINTEXT') throw new UsageError(`-X security.protocol=${protocol}: only PLAINTEXT is supported so far`);
  const timeoutMs = Number(conn.properties.get('request.timeout.ms') ?? 30_000);
  const cluster = await KafkaCluster.connect(conn.brokers, {
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 30_000,
    clientId: conn.properties.get('client.id') ?? 'tributary-cli',
  });
  try {
    return await fn(cluster);
  } finally {
    cluster.close();
  }
}

/** Runs a command; every failure is one line on stderr and an exit code. */
export async function runCommand(cmd: Command, p: Parsed, usage: () => string): Promise<number> {
  try {
    return await cmd.run(p);
  } catch (e) {
    return failure(e, usage);
  }
}

export function failure(e: unknown, usage: () => string): number {
  if (e instanceof UsageError || e instanceof AddressError) {
    stderr.write(`tributary: ${e.message}\n${usage()}\n`);
    return 2;
  }
  if (e instanceof KafkaError || e instanceof EndpointError) {
    stderr.write(`${red('tributary:', stderr)} ${e.message}\n`);
    return 1;
  }
  const msg = e instanceof Error ? e.message : String(e);
  stderr.write(`${red('tributary:', stderr)} ${msg}\n`);
  return 1;
}
