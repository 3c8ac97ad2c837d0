/**
 * `tributary start --nodes <n> [--controllers <c>]`: a local cluster of n processes (local-cluster.ts)
 * in the foreground: combined nodes, or n brokers and c controller-only nodes. Prints each node's lines prefixed with its id and, once every node is served, the
 * bootstrap list; Ctrl-C (or SIGTERM) stops them all, each handing its leaderships off first.
 */
import { startCluster, type RunningCluster } from '../local-cluster.js';

const DEFAULT_DIR = './data/cluster';
const DEFAULT_PORT = 9092;

interface ClusterArgs {
  nodes: number;
  controllers: number;
  dir: string;
  port: number;
  config: Record<string, string>;
}

function parse(args: readonly string[]): ClusterArgs {
  const out: ClusterArgs = { nodes: 3, controllers: 0, dir: DEFAULT_DIR, port: DEFAULT_PORT, config: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--nodes') out.nodes = positive(arg, value());
    else if (arg === '--controllers') out.controllers = positive(arg, value());
    else if (arg === '--dir') out.dir = value();
    else if (arg === '--port') out.port = port(value());
    else if (arg === '--override') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`--override takes <key>=<value> (got ${kv})`);
      out.config[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else throw new Error(`unknown argument ${arg} (with --nodes: --controllers, --dir, --port, --override)`);
  }
  return out;
}

/** A port, or 0 for free ports. */
function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65435) throw new Error(`--port takes a port number, 0 for free ports (got ${v})`);
  return n;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive integer (got ${v})`);
  return n;
}

export async function startLocalCluster(args: readonly string[], usage: string): Promise<number> {
  let parsed: ClusterArgs;
  try {
    parsed = parse(args);
  } catch (e) {
    process.stderr.write(`tributary: ${(e as Error).message}\n${usage}\n`);
    return 1;
  }
  let cluster: RunningCluster;
  try {
    cluster = await startCluster({
      nodes: parsed.nodes,
      controllers: parsed.controllers,
      dir: parsed.dir,
      basePort: parsed.port,
      config: parsed.config,
      onOutput: (id, line) => process.stdout.write(`[node ${id}] ${line}\n`),
    });
  } catch (e) {
    process.stderr.write(`tributary: the cluster did not start: ${(e as Error).message}\n`);
    return 1;
  }
  const controllers = parsed.controllers === 0 ? '' : ` and ${parsed.controllers} controller${parsed.controllers === 1 ? '' : 's'}`;
  const brokers = parsed.controllers === 0 ? 'node' : 'broker';
  process.stdout.write(`Tributary cluster of ${parsed.nodes} ${brokers}${parsed.nodes === 1 ? '' : 's'}${controllers} serving; bootstrap.servers=${cluster.bootstrap}; data in ${parsed.dir}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = (): void => void cluster.stop().then(resolve, resolve);
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  process.stdout.write('Tributary cluster stopped\n');
  return 0;
}
