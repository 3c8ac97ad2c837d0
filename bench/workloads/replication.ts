/**
 * Workload 9: what replication costs the produce path. A 3-node cluster (`startCluster`: three
 * `tributary start` processes, each its own event loop, metadata quorum over their controller
 * listeners) takes 1 KiB acks=all produce to topics with replication factor 3 and
 * min.insync.replicas=2; a fresh single node (`startTributary`, as workloads 1-2 run it) takes the
 * same runs to replication-factor-1 topics. Same generator, sizes and producer configs as workload
 * 2's 1 KiB acks=all rows, alternating which goes first. In the table "ours" is the 3-node cluster
 * and "reference" the single node, so ours/ref is the replication cost as a throughput ratio.
 *
 * Both keep metrics on (as workloads 1-2 do), and both stay up for the whole workload: the idle one
 * does only its heartbeats while the other is measured.
 *
 * A 3-node run counts only if every record was acknowledged, the partitions have three replicas all
 * in the ISR afterwards, and every replica's log on disk holds the records (the three copies the
 * same size, at least the payload produced), so the row cannot pass with replication silently off.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import kafkajs from 'kafkajs';
import { startCluster, type RunningCluster } from '../../src/local-cluster.js';
import { startTributary, type Broker } from '../brokers.js';
import { sleep } from '../stats.js';
import { num, runTool, type ToolResult } from '../tools.js';
import { type BenchContext, row, topicName } from './context.js';
import type { Row } from '../report.js';

const SIZE = 1024;
const NODES = 3;
const CASES = [{ partitions: 1 }, { partitions: 16 }] as const;
/** How long followers may take to show a topic or catch up after a run before the run is refused. */
const SETTLE_MS = 60_000;

type Admin = ReturnType<kafkajs.Kafka['admin']>;

/** Polls `probe` every 100 ms until it returns a value, at most SETTLE_MS; the last state in the error. */
async function until<T>(what: string, probe: () => Promise<T | string>): Promise<T> {
  const deadline = performance.now() + SETTLE_MS;
  let last = '';
  for (;;) {
    const got = await probe().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (typeof got !== 'string') return got;
    last = got;
    if (performance.now() > deadline) throw new Error(`3-node cluster: ${what} not within ${SETTLE_MS} ms (${last})`);
    await sleep(100);
  }
}

/** Waits until every partition of `topic` names NODES replicas and has all of them in its ISR. */
function fullIsr(admin: Admin, topic: string, partitions: number): Promise<void> {
  return until(`${topic}: ${NODES} replicas in every ISR`, async () => {
    const ps = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions ?? [];
    const short = ps.filter((p) => p.replicas.length !== NODES || p.isr.length !== NODES);
    return ps.length === partitions && short.length === 0 ? undefined : `${ps.length} partitions, short: ${JSON.stringify(short.map((p) => ({ p: p.partitionId, replicas: p.replicas, isr: p.isr })))}`;
  });
}

/** Bytes of `.log` segments a node holds for `topic` (every partition). */
function logBytes(logDir: string, topic: string): number {
  let total = 0;
  const dirs = readdirSync(logDir).filter((d) => d.startsWith(`${topic}-`) && /^\d+$/.test(d.slice(topic.length + 1)));
  for (const d of dirs) {
    for (const f of readdirSync(path.join(logDir, d))) if (f.endsWith('.log')) total += statSync(path.join(logDir, d, f)).size;
  }
  return total;
}

/** Every node holds the same log bytes for `topic`, at least the payload produced. */
function replicatedOnDisk(cluster: RunningCluster, topic: string, payloadBytes: number): Promise<void> {
  return until(`${topic}: three equal copies on disk`, async () => {
    const sizes = cluster.nodes.map((n) => logBytes(n.logDir, topic));
    return sizes.every((s) => s === sizes[0] && s >= payloadBytes) ? undefined : `log bytes by node ${JSON.stringify(sizes)}, payload ${payloadBytes}`;
  });
}

function delivered(label: string, out: ToolResult, count: number): void {
  if (num(out, 'messages') !== count) throw new Error(`${label}: ${num(out, 'messages')} of ${count} records acknowledged (${JSON.stringify(out)})`);
}

interface Target {
  label: '3 nodes' | '1 node';
  bootstrap: string;
  /** Creates the topic and waits until it can take acks=all produce. */
  createTopic(name: string, partitions: number): Promise<void>;
  /** Starts watching the topic during a run; the returned function ends it and says what it saw. */
  watch(name: string): () => Promise<number>;
  /** Throws unless the run really was what the row says. */
  check(name: string, partitions: number, payloadBytes: number): Promise<void>;
}

/**
 * The smallest ISR any partition of `topic` showed, polled once a second (a shrink that the
 * controller committed and the brokers published) until the returned function is called.
 */
function watchIsr(admin: Admin, topic: string): () => Promise<number> {
  let smallest = NODES;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
      for (const p of md?.topics[0]?.partitions ?? []) smallest = Math.min(smallest, p.isr.length);
      await sleep(1000);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return smallest;
  };
}

function clusterTarget(cluster: RunningCluster, admin: Admin): Target {
  return {
    label: '3 nodes',
    bootstrap: cluster.bootstrap,
    async createTopic(name, partitions) {
      await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: NODES, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }], waitForLeaders: true });
      // Brokers learn of a topic as they follow the metadata log: wait until the ISRs are whole.
      await fullIsr(admin, name, partitions);
    },
    watch: (name) => watchIsr(admin, name),
    async check(name, partitions, payloadBytes) {
      await replicatedOnDisk(cluster, name, payloadBytes);
      await fullIsr(admin, name, partitions);
    },
  };
}

function singleTarget(broker: Broker): Target {
  return {
    label: '1 node',
    bootstrap: broker.bootstrap,
    createTopic: (name, partitions) => broker.createTopic(name, partitions),
    watch: () => async () => 1,
    check: async () => undefined,
  };
}

export async function replicationWorkload(ctx: BenchContext): Promise<Row[]> {
  const rows = CASES.map((c) => row(`9. produce 1 KiB acks=all ${c.partitions}p, 3 nodes RF3 (ref = 1 node RF1)`, 'MB/s', true, { limit: 'appendFdatasyncPerMiBMBps', note: 'ours/ref = replication cost; min.insync.replicas=2' }));
  const shrinks: number[] = [];
  const single = await startTributary();
  let cluster: RunningCluster | undefined;
  let admin: Admin | undefined;
  try {
    cluster = await startCluster({ nodes: NODES, config: { 'tributary.metrics.listeners': 'http://127.0.0.1:0' } });
    admin = new kafkajs.Kafka({ brokers: cluster.bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    const three = clusterTarget(cluster, admin);
    const one = singleTarget(single);
    for (let run = 0; run < ctx.sizes.runs; run++) {
      for (const [i, c] of CASES.entries()) {
        for (const target of run % 2 === 0 ? [three, one] : [one, three]) {
          const topic = topicName(`replication-${c.partitions}`);
          await target.createTopic(topic, c.partitions);
          const count = ctx.sizes.produceMessages1KiB;
          const watching = target.watch(topic);
          let out: ToolResult;
          let smallestIsr: number;
          try {
            out = await runTool(ctx.tools, 'producer-perf', [target.bootstrap, topic, count, SIZE, 0, 'acks=all']);
          } finally {
            smallestIsr = await watching();
          }
          delivered(`${target.label} ${topic}`, out, count);
          await target.check(topic, c.partitions, count * SIZE);
          const shrank = target === three && smallestIsr < NODES;
          if (shrank) shrinks[i] = (shrinks[i] ?? 0) + 1;
          ctx.log(`  run ${run + 1} ${target.label} ${rows[i]?.workload}: ${num(out, 'mbPerSec').toFixed(1)} MB/s${shrank ? `, ISR shrank to ${smallestIsr} during the run` : ''}`);
          (target === three ? (rows[i] as Row).ours : (rows[i] as Row).reference).push(num(out, 'mbPerSec'));
        }
      }
    }
    for (const [i, r] of rows.entries()) if ((shrinks[i] ?? 0) > 0) r.note = `${r.note}; an ISR shrank below ${NODES} during ${shrinks[i]} of ${ctx.sizes.runs} 3-node runs`;
  } finally {
    await admin?.disconnect();
    await cluster?.stop();
    await single.stop();
  }
  return rows;
}
