/**
 * A three-node cluster for fault runs, the same for every target: node i in the lab's namespace
 * nodeNs(i) on its address, in combined mode, with Kafka's own keys and the same values for Apache
 * Kafka and Tributary (only node.id and the addresses differ between nodes). The targets:
 *
 *   - Apache Kafka 4.3.1: src/compat/jvm/kafka-cluster.ts formats every node with one cluster id
 *     and starts the JVMs together;
 *   - Tributary: three `tributary start` processes (it formats its log dir on first start).
 *
 * Either way the fault run sees nodes it can kill and restart, signal (SIGSTOP/SIGCONT), and
 * whose links the lab cuts, and asks the cluster for metadata from inside the lab (the test
 * process's namespace does not reach the nodes).
 */
import { BrokerProcess } from '../../support/broker-process.js';
import { KafkaCluster } from '../../../src/compat/jvm/kafka-cluster.js';
import { kafkaClasspath } from '../../../src/compat/jvm/kafka-process.js';
import { INSTALL_HINT } from '../../../src/compat/jvm/maven.js';
import { metadataInNetns, type MetadataView } from '../../../src/compat/netns-metadata.js';
import type { NetnsLab } from './netns-lab.js';

export const NODES = 3;
export const PORT = 9092;
export const CONTROLLER_PORT = 9093;

/** Every node's settings but node.id and its addresses: Kafka's keys, the same for every target. */
export const CLUSTER_CONFIG: Readonly<Record<string, string>> = {
  'process.roles': 'broker,controller',
  'controller.listener.names': 'CONTROLLER',
  'inter.broker.listener.name': 'PLAINTEXT',
  'default.replication.factor': '3',
  'min.insync.replicas': '2',
  'offsets.topic.replication.factor': '3',
  'transaction.state.log.replication.factor': '3',
  'transaction.state.log.min.isr': '2',
  'num.partitions': '4',
  'unclean.leader.election.enable': 'false',
};

/** What a fault run does to one node. */
export interface FaultNode {
  readonly bootstrap: string;
  readonly alive: boolean;
  readonly pid: number | undefined;
  kill(): Promise<unknown>;
  /** Starts the killed node again on its log dir and address; resolves once it serves. */
  restart(): Promise<void>;
  signal(sig: NodeJS.Signals): void;
  allStderr(): string;
}

export interface FaultCluster {
  readonly product: string;
  /** nodes[i] is node.id i+1, in the lab's nodeNs(i+1). */
  readonly nodes: readonly FaultNode[];
  cleanup(): Promise<void>;
}

export interface ClusterTarget {
  readonly name: string;
  /** Why this target cannot run here, or null. `failInCi`: a missing piece CI should have. */
  unavailable(): { readonly reason: string; readonly failInCi: boolean } | null;
  start(lab: NetnsLab): Promise<FaultCluster>;
}

export const KAFKA_TARGET: ClusterTarget = {
  name: 'Apache Kafka 4.3.1',
  unavailable() {
    const cp = kafkaClasspath();
    return 'problem' in cp ? { reason: `Apache Kafka cannot be started here: ${cp.problem}. Fetch the jars with: ${INSTALL_HINT}`, failInCi: true } : null;
  },
  async start(lab) {
    const cluster = await KafkaCluster.start({
      nodes: nodeIds().map((i) => ({ host: lab.nodeAddress(i), netns: lab.nodeNs(i) })),
      overrides: CLUSTER_CONFIG,
      port: PORT,
      controllerPort: CONTROLLER_PORT,
      // Three JVMs, the clients and the test on a small machine.
      heap: '512m',
    });
    return { product: cluster.product, nodes: cluster.nodes, cleanup: () => cluster.cleanup() };
  },
};

export const TRIBUTARY_TARGET: ClusterTarget = {
  name: 'Tributary',
  unavailable() {
    return null;
  },
  async start(lab) {
    const voters = nodeIds().map((i) => `${i}@${lab.nodeAddress(i)}:${CONTROLLER_PORT}`).join(',');
    // Together: a node may wait for a majority of the voters before it listens.
    const started = await Promise.allSettled(nodeIds().map((i) => BrokerProcess.start({
      netns: lab.nodeNs(i),
      host: lab.nodeAddress(i),
      port: PORT,
      overrides: {
        ...CLUSTER_CONFIG,
        'node.id': String(i),
        'listeners': `PLAINTEXT://${lab.nodeAddress(i)}:${PORT},CONTROLLER://${lab.nodeAddress(i)}:${CONTROLLER_PORT}`,
        'advertised.listeners': `PLAINTEXT://${lab.nodeAddress(i)}:${PORT}`,
        'controller.quorum.voters': voters,
      },
    })));
    const nodes = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const cleanup = async (): Promise<void> => {
      for (const n of nodes) n.signal('SIGCONT');
      await Promise.all(nodes.map((n) => n.kill()));
      await Promise.all(nodes.map((n) => n.cleanup()));
    };
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await cleanup();
      throw failed.reason;
    }
    return { product: 'Tributary', nodes, cleanup };
  },
};

export function nodeIds(): number[] {
  return Array.from({ length: NODES }, (_, k) => k + 1);
}

/** Metadata for `topics` from the first node that answers, asked from the lab's client namespace. */
export async function clusterMetadata(lab: NetnsLab, cluster: FaultCluster, topics: readonly string[] | null): Promise<MetadataView | null> {
  for (const n of cluster.nodes) {
    if (!n.alive) continue;
    const md = await metadataInNetns(lab.clientNs, n.bootstrap, topics, 3_000);
    if (md !== null && md.partitions.every((p) => p.errorCode === 0)) return md;
  }
  return null;
}

/**
 * Waits (bounded) until every node answers Metadata listing all the nodes as brokers, under one
 * cluster id: one cluster, not three nodes each serving alone. Throws saying what each node lists.
 */
export async function awaitOneCluster(lab: NetnsLab, cluster: FaultCluster, timeoutMs: number): Promise<void> {
  const since = Date.now();
  let views: string[] = [];
  while (Date.now() - since < timeoutMs) {
    const mds = await Promise.all(cluster.nodes.map((n) => metadataInNetns(lab.clientNs, n.bootstrap, [], 3_000)));
    const ids = new Set(mds.map((md) => md?.clusterId));
    if (ids.size === 1 && mds.every((md) => md !== null && md.clusterId !== null && md.brokers.length === NODES)) return;
    views = mds.map((md, i) => `node ${i + 1}: ${md === null ? 'no answer' : `cluster ${md.clusterId}, brokers ${JSON.stringify(md.brokers)}`}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the ${NODES} nodes did not form one cluster within ${timeoutMs} ms (${views.join('; ')})`);
}
