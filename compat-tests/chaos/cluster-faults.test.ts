/**
 * Fault runs against a three-node cluster (issue #10): every node in its own network namespace, in
 * combined mode (broker and controller), topics with three replicas and min.insync.replicas=2; an
 * idempotent acks=all kafkajs producer (bootstrap: all three nodes) and a consumer group in the
 * clients' namespace; faults one at a time on one node at a time — kill -9 and restart, SIGSTOP
 * for ~5 s, the node's link cut for ~5 s — sometimes on the node leading most of the topic's
 * partitions (Metadata says which), sometimes on a node picked at random. After each fault the
 * cluster accepts writes again within 30 s of healing, and is whole again (every replica in sync)
 * before the next. At the end a reader reads everything back: every acknowledged record exactly
 * once, in the producer's order per partition; the group's committed offsets never went backwards,
 * neither as its client saw its commits nor as the cluster stored them (OffsetFetch, polled).
 * At least 100,000 acknowledged writes; the counts go to the log.
 *
 * One describe per target, as the compat suites do it (matrix.test.ts, kafka-oracle.test.ts):
 * Apache Kafka 4.3.1 (runs when its jars are in the cache; skipped otherwise, a failure under
 * CI=true) and Tributary.
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { isCi, uniqueTopic } from '../support/helpers.js';
import { awaitOneCluster, clusterMetadata, KAFKA_TARGET, NODES, nodeIds, TRIBUTARY_TARGET, type ClusterTarget, type FaultCluster } from './support/cluster-lab.js';
import { ackedRanges, ackedWrites, acksPerPartition, checkGroup, checkStoredOffsets, checkPartition, countAcks, readValues, sleep } from './support/fault-checks.js';
import { NetnsLab } from './support/netns-lab.js';
import { NsChild } from './support/ns-child.js';

const PARTITIONS = 4;
const BATCH = 250;
const MIN_ACKED_WRITES = 100_000;
/** Every kind twice; the target node alternates between the leaders' node and a random one. */
const FAULTS = ['kill', 'pause', 'cut', 'pause', 'kill', 'cut'] as const;
const FAULT_MS = 5_000;
/** A killed node stays down this long before it is started again. */
const DOWN_MS = 3_000;
const RECOVERY_MS = 30_000;
/** How long the cluster may take to have every replica back in sync after a fault (a JVM restart on a loaded machine). */
const WHOLE_MS = 120_000;

type Fault = (typeof FAULTS)[number];

for (const target of [KAFKA_TARGET, TRIBUTARY_TARGET]) defineFaultRun(target);

function defineFaultRun(target: ClusterTarget): void {
  describe(`fault run: three ${target.name} nodes in their own network namespaces, an idempotent acks=all producer, kill -9 / SIGSTOP / link cuts`, function () {
    this.timeout(900_000);
    let lab: NetnsLab | undefined;
    let cluster: FaultCluster | undefined;
    const children: NsChild[] = [];

    before(async function () {
      this.timeout(300_000);
      const why = await NetnsLab.unavailableReason();
      const missing = why !== null ? { reason: why, failInCi: true } : target.unavailable();
      if (missing !== null) {
        if (missing.failInCi && isCi()) throw new Error(`${missing.reason}; CI=true, so this is a failure`);
        console.log(`      [chaos] SKIP: ${missing.reason}`);
        this.skip();
      }
      lab = await NetnsLab.create(NODES);
      const t0 = Date.now();
      cluster = await target.start(lab);
      await awaitOneCluster(lab, cluster, 120_000);
      console.log(`      [chaos] ${cluster.product}: ${NODES} nodes serving, one cluster, after ${Date.now() - t0} ms`);
    });

    afterEach(function () {
      if (this.currentTest?.state !== 'failed' || cluster === undefined) return;
      for (const [i, n] of cluster.nodes.entries()) {
        const tail = n.allStderr().slice(-3000);
        console.log(`      [chaos] node ${i + 1} ${n.bootstrap} (pid ${n.pid}, alive=${n.alive}) log tail:\n${tail.split('\n').map((l) => `        ${l}`).join('\n')}`);
      }
    });

    after(async function () {
      this.timeout(120_000);
      for (const c of children) c.kill();
      await cluster?.cleanup();
      await lab?.destroy();
    });

    it('every acknowledged record is read back exactly once, in order per partition; writes resume within 30 s of healing each fault', async () => {
      const run = new FaultRun(lab as NetnsLab, cluster as FaultCluster, children);
      await run.go();
    });
  });
}

class FaultRun {
  private readonly topic = uniqueTopic('chaos3');
  private readonly brokers: string[];
  private readonly started = Date.now();

  constructor(
    private readonly lab: NetnsLab,
    private readonly cluster: FaultCluster,
    private readonly children: NsChild[],
  ) {
    this.brokers = cluster.nodes.map((n) => n.bootstrap);
  }

  private spawn(spec: object): NsChild {
    const c = new NsChild(this.lab.clientNs, { brokers: this.brokers, topic: this.topic, partitions: PARTITIONS, ...spec });
    this.children.push(c);
    return c;
  }

  async go(): Promise<void> {
    const producer = this.spawn({ mode: 'produce', batch: BATCH });
    // Faults start once the first write is acknowledged (bounded): the run is about a working cluster.
    while (producer.running && countAcks(producer.lines) === 0 && Date.now() - this.started < 90_000) await sleep(100);
    assert.ok(countAcks(producer.lines) > 0, `no first write acknowledged: ${producer.stderr}`);
    // Once the producer's first write created the topic: Kafka does not create it for a consumer.
    const group = this.spawn({ mode: 'group', group: `${this.topic}-group` });
    const stored = this.spawn({ mode: 'offsets', group: `${this.topic}-group` });
    const report: string[] = [];
    for (const [i, fault] of FAULTS.entries()) {
      await sleep(1000 + randomInt(1500));
      assert.ok(producer.running, `the producer stopped: ${producer.stderr}`);
      const { node, why } = await this.pickNode(i % 2 === 0);
      const line = `${fault} node ${node} (${why})`;
      const beforeAcks = countAcks(producer.lines);
      const { acksAtHeal, healedAt } = await this.inject(fault, node, () => acksPerPartition(producer.lines, PARTITIONS));
      // Progress, not a fixed wait: an acknowledged send to every partition after the fault is healed.
      const resumed = (): boolean => acksPerPartition(producer.lines, PARTITIONS).every((n, p) => n > (acksAtHeal[p] ?? 0));
      while (producer.running && !resumed() && Date.now() - healedAt < RECOVERY_MS) await sleep(100);
      const resumedMs = Date.now() - healedAt;
      assert.ok(resumed(), `not every partition took a write within ${RECOVERY_MS} ms after ${line} was healed (acks per partition at healing ${JSON.stringify(acksAtHeal)}, now ${JSON.stringify(acksPerPartition(producer.lines, PARTITIONS))}; so far: ${report.join('; ')}); producer: ${producer.running ? 'running' : `exited: ${producer.stderr}`}; group: ${group.stderr}`);
      const during = sum(acksAtHeal) - beforeAcks;
      const wholeMs = await this.awaitWhole(line);
      report.push(`${line}: ${during * BATCH} writes acked during it, every partition written again ${resumedMs} ms after healing, every replica in sync ${wholeMs} ms after`);
      console.log(`      [chaos] ${report[report.length - 1]}`);
    }
    // Bounded by the test's timeout.
    while (producer.running && ackedWrites(producer.lines) < MIN_ACKED_WRITES) await sleep(200);
    producer.terminate();
    assert.equal(await producer.exited, 0, `producer failed: ${producer.stderr}`);
    await this.check(producer, group, stored);
  }

  /** The node leading most of the topic's partitions (Metadata), or one picked at random. */
  private async pickNode(leaders: boolean): Promise<{ node: number; why: string }> {
    const md = await clusterMetadata(this.lab, this.cluster, [this.topic]);
    const led = new Map(nodeIds().map((id) => [id, md?.partitions.filter((p) => p.leader === id).map((p) => p.partition) ?? []]));
    const leads = (id: number): string => `leader of partitions [${(led.get(id) ?? []).join(',')}]`;
    if (!leaders) {
      const node = randomInt(1, NODES + 1);
      return { node, why: `picked at random, ${leads(node)}` };
    }
    assert.ok(md !== null, 'no node answered Metadata for the topic before a fault');
    const node = [...led].sort((a, b) => b[1].length - a[1].length)[0]?.[0] ?? 1;
    return { node, why: `the leaders' node, ${leads(node)}` };
  }

  /** Injects the fault and heals it; returns when healing began and the acks seen then. */
  private async inject(fault: Fault, id: number, producerAcks: () => number[]): Promise<{ healedAt: number; acksAtHeal: number[] }> {
    const node = this.cluster.nodes[id - 1];
    assert.ok(node !== undefined);
    let healedAt: number;
    let acksAtHeal: number[];
    if (fault === 'kill') {
      await node.kill();
      await sleep(DOWN_MS);
      // Healing is starting it again: the cluster must take writes whether or not it is back yet.
      healedAt = Date.now();
      acksAtHeal = producerAcks();
      await node.restart();
    } else if (fault === 'pause') {
      node.signal('SIGSTOP');
      await sleep(FAULT_MS);
      node.signal('SIGCONT');
      healedAt = Date.now();
      acksAtHeal = producerAcks();
    } else {
      await this.lab.cut(id);
      await sleep(FAULT_MS);
      await this.lab.heal(id);
      healedAt = Date.now();
      acksAtHeal = producerAcks();
    }
    return { healedAt, acksAtHeal };
  }

  /**
   * Waits (bounded) until every node is a broker again and every replica of the topic and of the
   * offsets topic is in sync: the next fault must be the only one.
   */
  private async awaitWhole(after: string): Promise<number> {
    const since = Date.now();
    let last = 'no Metadata answer';
    while (Date.now() - since < WHOLE_MS) {
      const md = await clusterMetadata(this.lab, this.cluster, [this.topic, '__consumer_offsets']);
      if (md !== null) {
        const short = md.partitions.filter((p) => p.isr.length < NODES);
        if (md.brokers.length === NODES && short.length === 0 && md.partitions.length > 0) return Date.now() - since;
        last = `brokers ${JSON.stringify(md.brokers)}, ${short.length} partitions short of replicas in sync (${short.slice(0, 3).map((p) => `${p.topic}-${p.partition} isr ${JSON.stringify(p.isr)}`).join(', ')})`;
      }
      await sleep(500);
    }
    throw new Error(`the cluster was not whole again within ${WHOLE_MS} ms after ${after}: ${last}`);
  }

  /** Reads everything back and checks it against what was acknowledged; logs the counts. */
  private async check(producer: NsChild, group: NsChild, stored: NsChild): Promise<void> {
    const acked = ackedRanges(producer.lines);
    const reader = this.spawn({ mode: 'read' });
    assert.equal(await reader.exited, 0, `reader failed: ${reader.stderr}`);
    const read = readValues(reader.lines);
    const written = ackedWrites(producer.lines);
    const failed = producer.lines.filter((l) => l.startsWith('fail '));
    const readCount = [...read.values()].reduce((n, v) => n + v.length, 0);
    console.log(`      [chaos] ${this.cluster.product}: ${written} acknowledged writes, ${failed.length} failed sends${failed.length > 0 ? ` (first: ${failed[0]})` : ''}; read back ${readCount} records (${reader.lines.filter((l) => l.startsWith('ends ')).join('; ')}); ${Math.round((Date.now() - this.started) / 1000)} s`);
    for (let p = 0; p < PARTITIONS; p++) checkPartition(p, read.get(p) ?? [], acked);
    assert.ok(written >= MIN_ACKED_WRITES, `only ${written} acknowledged writes`);
    console.log(`      [chaos] ${await checkGroup(group, read)}`);
    console.log(`      [chaos] ${await checkStoredOffsets(stored)}`);
  }
}

function sum(ns: readonly number[]): number {
  return ns.reduce((a, b) => a + b, 0);
}
