/**
 * Apache Kafka as a multi-node cluster of child processes: by default every node in KRaft combined
 * mode (process.roles=broker,controller), all of them voters of one static quorum
 * (controller.quorum.voters); or with per-node roles, broker-only nodes (observers of the quorum)
 * beside controller-only voters, each formatted with the same cluster id as Kafka's docs do it for a
 * static quorum:
 *
 *   bin/kafka-storage.sh format -t <cluster id> -c server-<n>.properties     (on every node)
 *   bin/kafka-server-start.sh server-<n>.properties                           (all together)
 *
 * The nodes are started together and the cluster is ready once every broker lists itself in
 * Metadata (and every controller-only node answers on its listener): none can be before a majority of the voters runs. Each node has its own address (a
 * network namespace's, for fault runs) or its own ports on a shared one (loopback, for the compat
 * matrix's cluster rows), fixed, so a restarted node keeps them.
 */
import { KafkaProcess, randomClusterId, type KafkaOptions } from './kafka-process.js';

export interface KafkaClusterNodeSpec {
  /** The node's own address: listeners on `<host>:<port>` and `<host>:<controllerPort>`. */
  readonly host: string;
  /** process.roles (default combined); the voters are the nodes with the controller role. */
  readonly roles?: 'broker' | 'controller' | 'broker,controller';
  /** Run the node inside this network namespace. */
  readonly netns?: string;
  /** This node's PLAINTEXT and CONTROLLER ports, when the nodes share an address (loopback). */
  readonly port?: number;
  readonly controllerPort?: number;
}

export interface KafkaClusterOptions {
  /** Node i+1 of the cluster lives at nodes[i]. */
  readonly nodes: readonly KafkaClusterNodeSpec[];
  /** Kafka config keys → values every node gets (replication factors, min.insync.replicas, ...). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** The PLAINTEXT listener's port on every node's address (default 9092). */
  readonly port?: number;
  /** The CONTROLLER listener's port on every node's address (default 9093). */
  readonly controllerPort?: number;
  /** Each JVM's heap (default 512m: several JVMs share the machine). */
  readonly heap?: string;
  readonly startTimeoutMs?: number;
}

export class KafkaCluster {
  private constructor(
    readonly clusterId: string,
    /** nodes[i] is node.id i+1. */
    readonly nodes: readonly KafkaProcess[],
  ) {}

  /** Formats every node with one cluster id, starts them together, resolves once each serves. */
  static async start(opts: KafkaClusterOptions): Promise<KafkaCluster> {
    const port = opts.port ?? 9092;
    const controllerPort = opts.controllerPort ?? 9093;
    const clusterId = randomClusterId();
    const quorumVoters = opts.nodes.flatMap((n, i) => ((n.roles ?? 'broker,controller').includes('controller') ? [`${i + 1}@${n.host}:${n.controllerPort ?? controllerPort}`] : [])).join(',');
    const nodeOpts: Omit<KafkaOptions, 'placement'> = { overrides: opts.overrides ?? {}, heap: opts.heap ?? '512m', ...(opts.startTimeoutMs === undefined ? {} : { startTimeoutMs: opts.startTimeoutMs }) };
    const nodes: KafkaProcess[] = [];
    const cluster = new KafkaCluster(clusterId, nodes);
    try {
      for (const [i, n] of opts.nodes.entries()) {
        const placement = { nodeId: i + 1, host: n.host, port: n.port ?? port, controllerPort: n.controllerPort ?? controllerPort, clusterId, quorumVoters, ...(n.netns === undefined ? {} : { netns: n.netns }), ...(n.roles === undefined ? {} : { roles: n.roles }) };
        nodes.push(await KafkaProcess.formatted(placement, nodeOpts));
      }
      // allSettled, not all: a node that fails must not leave the others' launches unawaited.
      const launched = await Promise.allSettled(nodes.map((n) => n.launch()));
      const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } catch (e) {
      await cluster.cleanup();
      throw e;
    }
    return cluster;
  }

  get product(): string {
    return this.nodes[0]?.product ?? 'Apache Kafka';
  }

  /** Every node's PLAINTEXT address, for a client's bootstrap list (a controller-only node's is unused). */
  get bootstrap(): string[] {
    return this.nodes.map((n) => n.bootstrap);
  }

  /** Node `id` (1-based, as node.id). */
  node(id: number): KafkaProcess {
    const n = this.nodes[id - 1];
    if (n === undefined) throw new Error(`no node ${id} in a cluster of ${this.nodes.length}`);
    return n;
  }

  /**
   * SIGKILLs every node and removes their directories. Not a controlled shutdown: nodes stopping
   * together lose their quorum and wait for it (bounded, but for tens of seconds), and a fault run's
   * data is thrown away anyway.
   */
  async cleanup(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    await Promise.all(this.nodes.map((n) => n.cleanup()));
  }
}
