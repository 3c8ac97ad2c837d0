/**
 * Test support: N combined-mode nodes in this process, each with its own data dir, a broker
 * listener on a free port and a controller listener at the port controller.quorum.voters names
 * (picked free first, as Kafka's own test harness does). Nodes talk over real loopback sockets.
 * `halt(id)` stops one without a controlled shutdown (a crash, minus the disk loss); `start(id)`
 * brings it back on the same data dir and ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { loadBrokerConfig } from '../config/index.js';
import { runNode, type RunningNode } from '../node.js';
import { silentLogger, type Logger } from '../util/logger.js';

export interface InProcessClusterOptions {
  readonly nodes?: number;
  readonly config?: Readonly<Record<string, string>>;
  /** Keys for one node only (broker.rack, ...), over `config`. */
  readonly nodeConfig?: (id: number) => Readonly<Record<string, string>>;
  /** Each node's process.roles (default: combined). Voters are the nodes with the controller role. */
  readonly roles?: (id: number) => 'broker' | 'controller' | 'broker,controller';
  readonly logger?: Logger;
}

/** A loopback port nothing listens on right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export class InProcessCluster {
  private readonly running = new Map<number, RunningNode>();

  private constructor(
    readonly root: string,
    private readonly ports: ReadonlyMap<number, { broker: number; controller: number }>,
    private readonly config: Readonly<Record<string, string>>,
    private readonly nodeConfig: (id: number) => Readonly<Record<string, string>>,
    private readonly roles: (id: number) => 'broker' | 'controller' | 'broker,controller',
    private readonly logger: Logger,
  ) {}

  static async start(o: InProcessClusterOptions = {}): Promise<InProcessCluster> {
    const n = o.nodes ?? 3;
    const ports = new Map<number, { broker: number; controller: number }>();
    for (let id = 1; id <= n; id++) ports.set(id, { broker: await freePort(), controller: await freePort() });
    const c = new InProcessCluster(mkdtempSync(join(tmpdir(), 'tributary-cluster-')), ports, o.config ?? {}, o.nodeConfig ?? (() => ({})), o.roles ?? (() => 'broker,controller'), o.logger ?? silentLogger);
    try {
      await Promise.all([...ports.keys()].map((id) => c.startNode(id)));
      await Promise.all([...c.running.values()].map((node) => node.ready));
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  /** The brokers' listeners. */
  get bootstrap(): string {
    return [...this.ports].filter(([id]) => this.roles(id).includes('broker')).map(([, p]) => `127.0.0.1:${p.broker}`).join(',');
  }

  get ids(): number[] {
    return [...this.ports.keys()];
  }

  node(id: number): RunningNode | undefined {
    return this.running.get(id);
  }

  async startNode(id: number): Promise<RunningNode> {
    const p = this.ports.get(id);
    if (p === undefined) throw new Error(`no node ${id}`);
    const voters = [...this.ports].filter(([v]) => this.roles(v).includes('controller')).map(([v, q]) => `${v}@127.0.0.1:${q.controller}`).join(',');
    const brokers = [...this.ports.keys()].filter((v) => this.roles(v).includes('broker')).length;
    const rf = String(Math.min(3, brokers));
    const roles = this.roles(id);
    const listeners = [roles.includes('broker') ? `PLAINTEXT://127.0.0.1:${p.broker}` : '', roles.includes('controller') ? `CONTROLLER://127.0.0.1:${p.controller}` : ''];
    const overrides: [string, string][] = [
      ['node.id', String(id)],
      ['process.roles', roles],
      ['listeners', listeners.filter((l) => l !== '').join(',')],
      ['controller.listener.names', 'CONTROLLER'],
      ['controller.quorum.voters', voters],
      ['log.dirs', join(this.root, `node-${id}`)],
      ['tributary.metrics.listeners', ''],
      ['schema.registry.listeners', ''],
      ['default.replication.factor', rf],
      ['offsets.topic.replication.factor', rf],
      ['transaction.state.log.replication.factor', rf],
      ...Object.entries(this.config),
      ...Object.entries(this.nodeConfig(id)),
    ];
    const node = await runNode(loadBrokerConfig({ overrides }), { logger: this.logger });
    this.running.set(id, node);
    return node;
  }

  /** Controlled shutdown of one node. */
  async stopNode(id: number): Promise<void> {
    await this.running.get(id)?.stop();
    this.running.delete(id);
  }

  /** Stops one node at once (no controlled shutdown). */
  async halt(id: number): Promise<void> {
    await this.running.get(id)?.halt();
    this.running.delete(id);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((n) => n.halt().catch(() => undefined)));
    this.running.clear();
    rmSync(this.root, { recursive: true, force: true });
  }
}
