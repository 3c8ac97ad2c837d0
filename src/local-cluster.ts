/**
 * A local cluster for development and tests, as plain processes (`rpk container start -n 3`
 * without containers): N combined-mode `tributary start` processes on loopback, node i with its
 * broker listener at basePort+i-1 and its controller listener at basePort+100+i-1 (free ports when
 * basePort is 0), data dirs `node-<i>` under one folder, Kafka's own keys. It is ready once every
 * node says the controller unfenced it. Each node can be stopped (SIGTERM: controlled shutdown),
 * killed (SIGKILL), paused (SIGSTOP) and resumed, and restarted on its data dir and ports.
 *
 * With `controllers` set the roles are separate, as in Kafka's production layout: brokers 1..N
 * (process.roles=broker, observers of the quorum) and controllers N+1..N+C (process.roles=controller,
 * the voters), each controller-only node ready once it knows the quorum's leader.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedChild, awaitReady, type ExitInfo } from './compat/managed-child.js';
import { PACKAGE_ROOT, TRIBUTARY_CLI } from './compat/package-root.js';

export interface StartClusterOptions {
  /**
   * How many brokers (default 3). Without `controllers` each is also a voter of the metadata quorum
   * (combined mode).
   */
  readonly nodes?: number;
  /** Separate controller-only nodes, the quorum's voters, with ids after the brokers' (N+1..N+C). */
  readonly controllers?: number;
  /** Broker configs by Kafka's names for every node (replication factors default to min(3, nodes)). */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  /** Where the nodes' data dirs go (default: a fresh temporary folder, removed by stop()). */
  readonly dir?: string;
  /** Node 1's broker port; 0 (default) picks free ports. */
  readonly basePort?: number;
  readonly host?: string;
  /** Extra configs for one node (`broker.rack`, say), by node id. */
  readonly nodeConfig?: Readonly<Record<number, Readonly<Record<string, string>>>>;
  /** How long a node may take to be served (default 60 s). */
  readonly startTimeoutMs?: number;
  /** Where each node's output lines go (default: kept, see ClusterNode.output()). */
  readonly onOutput?: (nodeId: number, line: string) => void;
}

export interface ClusterNode {
  readonly id: number;
  /** Its process.roles. */
  readonly roles: readonly ('broker' | 'controller')[];
  /** `host:port` of its broker listener ('' on a controller-only node). */
  readonly bootstrap: string;
  /** `host:port` of its controller listener, a voter of controller.quorum.voters ('' on a broker-only node). */
  readonly controller: string;
  readonly logDir: string;
  readonly pid: number | undefined;
  readonly alive: boolean;
  /** SIGTERM: the node hands its leaderships off, then exits. */
  stop(): Promise<ExitInfo>;
  /** SIGKILL (kill -9). */
  kill(): Promise<ExitInfo>;
  /** SIGSTOP / SIGCONT. */
  pause(): void;
  resume(): void;
  /** Starts the stopped or killed node again on its data dir and ports; resolves once it is served. */
  restart(): Promise<void>;
  /** Its stdout and stderr so far. */
  output(): string;
}

export interface RunningCluster {
  /** Every broker's listener, comma-separated (a client's bootstrap.servers). */
  readonly bootstrap: string;
  readonly nodes: readonly ClusterNode[];
  /** Node by id (1..N, then the controllers N+1..N+C). */
  node(id: number): ClusterNode;
  /** Stops every node (SIGTERM together; a node that hangs is killed); removes a temporary dir. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export async function startCluster(o: StartClusterOptions = {}): Promise<RunningCluster> {
  const n = o.nodes ?? 3;
  if (!Number.isInteger(n) || n < 1) throw new Error(`nodes must be a positive integer (got ${n})`);
  const c = o.controllers ?? 0;
  if (!Number.isInteger(c) || c < 0) throw new Error(`controllers must be a non-negative integer (got ${c})`);
  const host = o.host ?? '127.0.0.1';
  const ownsDir = o.dir === undefined;
  const root = o.dir ?? mkdtempSync(join(tmpdir(), 'tributary-cluster-'));
  const ports = await clusterPorts(n + c, o.basePort ?? 0, host);
  const layout = ports.map((p, i) => ({ id: i + 1, ports: p, roles: nodeRoles(i + 1, n, c) }));
  const voters = layout.filter((x) => x.roles.includes('controller')).map((x) => `${x.id}@${host}:${x.ports.controller}`).join(',');
  const rf = String(Math.min(3, n));
  const shared: Record<string, string> = {
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.quorum.voters': voters,
    'default.replication.factor': rf,
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'schema.registry.listeners': '',
    'tributary.metrics.listeners': '',
    ...Object.fromEntries(Object.entries(o.config ?? {}).map(([k, v]) => [k, String(v)])),
  };
  const nodes = layout.map(({ id, ports: p, roles }) => {
    const logDir = join(root, `node-${id}`);
    mkdirSync(logDir, { recursive: true });
    const broker = roles.includes('broker') ? `${host}:${p.broker}` : '';
    const controller = roles.includes('controller') ? `${host}:${p.controller}` : '';
    const listeners = [broker === '' ? '' : `PLAINTEXT://${broker}`, controller === '' ? '' : `CONTROLLER://${controller}`].filter((l) => l !== '').join(',');
    const config = { ...shared, 'process.roles': roles.join(','), 'node.id': String(id), listeners, 'log.dirs': logDir, ...(o.nodeConfig?.[id] ?? {}) };
    return new NodeProcess(id, roles, broker, controller, logDir, config, o.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, o.onOutput);
  });
  const stop = async (): Promise<void> => {
    for (const node of nodes) node.resume();
    await Promise.all(nodes.map((node) => node.stop().catch(() => node.kill())));
    if (ownsDir) rmSync(root, { recursive: true, force: true });
  };
  try {
    // Together: no node is served before a majority of the voters runs.
    await Promise.all(nodes.map((node) => node.restart()));
  } catch (e) {
    await Promise.all(nodes.map((node) => node.kill()));
    if (ownsDir) rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return {
    bootstrap: nodes.filter((node) => node.bootstrap !== '').map((node) => node.bootstrap).join(','),
    nodes,
    node: (id) => {
      const node = nodes[id - 1];
      if (node === undefined) throw new Error(`no node ${id} (nodes are 1..${n + c})`);
      return node;
    },
    stop,
  };
}

class NodeProcess implements ClusterNode {
  private child: ManagedChild | undefined;
  private history = '';

  constructor(
    readonly id: number,
    readonly roles: readonly ('broker' | 'controller')[],
    readonly bootstrap: string,
    readonly controller: string,
    readonly logDir: string,
    private readonly config: Readonly<Record<string, string>>,
    private readonly startTimeoutMs: number,
    private readonly onOutput: ((nodeId: number, line: string) => void) | undefined,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exit === undefined;
  }

  output(): string {
    return this.history + (this.child === undefined ? '' : this.child.stdout + this.child.stderr);
  }

  stop(): Promise<ExitInfo> {
    return this.child === undefined ? Promise.resolve({ code: null, signal: null }) : this.child.stop(STOP_TIMEOUT_MS, `node ${this.id}`);
  }

  kill(): Promise<ExitInfo> {
    return this.child === undefined ? Promise.resolve({ code: null, signal: null }) : this.child.kill();
  }

  pause(): void {
    this.child?.signal('SIGSTOP');
  }

  resume(): void {
    this.child?.signal('SIGCONT');
  }

  async restart(): Promise<void> {
    if (this.alive) throw new Error(`node ${this.id} is running: stop or kill it first`);
    if (this.child !== undefined) this.history += this.child.stdout + this.child.stderr;
    const args = [TRIBUTARY_CLI, 'start'];
    for (const [k, v] of Object.entries(this.config)) args.push('--override', `${k}=${v}`);
    const child = new ManagedChild({ command: process.execPath, args, cwd: PACKAGE_ROOT });
    this.child = child;
    let seen = 0;
    // The line the node prints once the active controller has unfenced it (it serves then).
    const ready = new Promise<void>((resolve) => {
      child.onStdout((all) => {
        for (const line of all.slice(seen).split('\n').slice(0, -1)) this.onOutput?.(this.id, line);
        seen = all.lastIndexOf('\n') + 1;
        if (/ is serving/.test(all)) resolve();
      });
    });
    await awaitReady(child, ready, this.startTimeoutMs, `tributary node ${this.id}`);
  }
}

/** Node `id`'s roles: combined without controllers, else brokers 1..n and controllers after them. */
function nodeRoles(id: number, brokers: number, controllers: number): ('broker' | 'controller')[] {
  if (controllers === 0) return ['broker', 'controller'];
  return id <= brokers ? ['broker'] : ['controller'];
}

/** Broker and controller ports: basePort+i and basePort+100+i, or free ones. */
async function clusterPorts(n: number, basePort: number, host: string): Promise<{ broker: number; controller: number }[]> {
  const out: { broker: number; controller: number }[] = [];
  for (let i = 0; i < n; i++) out.push(basePort > 0 ? { broker: basePort + i, controller: basePort + 100 + i } : { broker: await freePort(host), controller: await freePort(host) });
  return out;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error(`no free port on ${host}`))));
    });
  });
}
