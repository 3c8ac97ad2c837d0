/**
 * The 3-node cluster of a cluster row (Capability.needsCluster), the same surface for either target:
 *
 *   - Tributary: `startCluster` (src/local-cluster.ts), given to the run by its caller (the CLI,
 *     the mocha suites), since compat/ sits above the node files and must not import them;
 *   - Apache Kafka 4.3.1: jvm/kafka-cluster.ts on loopback, each node on its own free ports.
 *
 * The runner starts one for a row's first cell with CLUSTER_BROKER_CONFIG and stops it before the
 * next cluster row (or at close()); `controlledCluster` is what the cells get as env.cluster. The
 * run's own connection to a cluster (connectAny) tries each address of a comma-separated bootstrap
 * in turn, so housekeeping goes on while a node is down.
 */
import type { ControlledCluster, ControlledClusterNode } from './capability.js';
import { KafkaCluster } from './jvm/kafka-cluster.js';
import { freePort } from './jvm/kafka-process.js';
import { WireClient } from '../client/wire-client.js';

/** A started cluster: its nodes, and how to stop all of it (removing its data). */
export interface StartedCluster {
  readonly product: string;
  /** Every node's broker listener, comma-separated. */
  readonly bootstrap: string;
  /** nodes[i] is node.id i+1. */
  readonly nodes: readonly ControlledClusterNode[];
  stop(): Promise<void>;
}

/** Starts a 3-node cluster with these broker configs (Kafka's keys; every node the same). */
export interface ClusterStarter {
  readonly product: string;
  start(config: Readonly<Record<string, string>>): Promise<StartedCluster>;
}

/** WireClient.connect to the first address of a comma-separated list that answers. */
export async function connectAny(bootstrap: string, timeoutMs: number): Promise<WireClient> {
  const addresses = bootstrap.split(',').map((a) => a.trim()).filter((a) => a !== '');
  let last: unknown = new Error(`no address in '${bootstrap}'`);
  for (const a of addresses) {
    try {
      return await WireClient.connect(a, timeoutMs);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** env.cluster over a started cluster: its nodes, and what the run's own connection asks of it. */
export function controlledCluster(c: StartedCluster, config: Readonly<Record<string, string>>, timeoutMs: number): ControlledCluster {
  const ask = async <T>(fn: (w: WireClient) => Promise<T>): Promise<T> => {
    const live = c.nodes.filter((n) => n.alive).map((n) => n.bootstrap).join(',');
    const w = await connectAny(live, timeoutMs);
    try {
      return await fn(w);
    } finally {
      w.close();
    }
  };
  return {
    product: c.product,
    bootstrap: c.bootstrap,
    nodes: c.nodes,
    config,
    node(id) {
      const n = c.nodes[id - 1];
      if (n === undefined) throw new Error(`no node ${id} (nodes are 1..${c.nodes.length})`);
      return n;
    },
    leaderOf: (topic, partition) => ask(async (w) => {
      const t = (await w.metadata([topic])).topics[0];
      const p = t?.partitions.find((x) => x.partitionIndex === partition);
      if (t === undefined || t.errorCode !== 0 || p === undefined || p.leaderId < 0) throw new Error(`no leader for ${topic}-${partition} in Metadata`);
      return p.leaderId;
    }),
    transactionCoordinator: (id) => ask(async (w) => (await w.findCoordinator(id, 1)).nodeId),
  };
}

/** Apache Kafka as the cluster of a cluster row: three JVMs on 127.0.0.1, each on its own ports. */
export const KAFKA_CLUSTER_STARTER: ClusterStarter = {
  product: 'Apache Kafka',
  async start(config) {
    const nodes = [];
    const taken = new Set<number>();
    const pick = async (): Promise<number> => {
      for (;;) {
        const p = await freePort();
        if (!taken.has(p)) {
          taken.add(p);
          return p;
        }
      }
    };
    for (let i = 0; i < 3; i++) nodes.push({ host: '127.0.0.1', port: await pick(), controllerPort: await pick() });
    // Three JVMs, the clients and the test on a small machine.
    const cluster = await KafkaCluster.start({ nodes, overrides: config, heap: '512m' });
    return {
      product: cluster.product,
      bootstrap: cluster.bootstrap.join(','),
      nodes: cluster.nodes.map((k, i) => ({
        id: i + 1,
        bootstrap: k.bootstrap,
        get alive() {
          return k.alive;
        },
        kill: () => k.kill(),
        restart: () => k.restart(),
        output: () => k.allStderr(),
      })),
      stop: () => cluster.cleanup(),
    };
  },
};
