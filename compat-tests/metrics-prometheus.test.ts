/**
 * Prometheus (Debian's `prometheus`) scrapes a Tributary node process every second while kafkajs
 * produces and consumes; then every query of grafana/ and of the README's Metrics section runs
 * through Prometheus' HTTP API and must return data, the throughput panel must agree with what the
 * load sent (within 10 %), and a consumer group that stopped consuming must show its lag growing
 * and equal to what kafkajs' admin reports (high watermark − committed offset).
 *
 * Without prometheus the suite is skipped with a message, except under CI=true (.ci/run installs
 * it), where that is a failure.
 */
import assert from 'node:assert/strict';
import type { Admin, Consumer, Producer } from 'kafkajs';
import { BrokerProcess, sleep } from './support/broker-process.js';
import { printBrokerLogOnFailure, skipOrFail, uniqueTopic, waitFor } from './support/helpers.js';
import { makeKafka, printKafkajsLogOnFailure, type KafkaWithLog } from './support/kafkajs.js';
import { PrometheusProcess, prometheusProblem } from './support/prometheus.js';
import { dashboardQueries, readmeQueries, runnable } from './support/grafana.js';

const BATCH = 20;
const BATCH_EVERY_MS = 100;
/** The load must have run this long (as Prometheus saw it) before the queries run. */
const LOAD_BEFORE_QUERIES_S = 25;
const THROUGHPUT_WINDOW_S = 20;

describe('metrics: Prometheus scrapes a loaded node; every Grafana panel has data', function () {
  this.timeout(240_000);
  let broker: BrokerProcess | undefined;
  let prom: PrometheusProcess | undefined;
  let client: KafkaWithLog;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];
  const topic = uniqueTopic('metrics');
  const liveGroup = `${topic}-live`;
  const stalledGroup = `${topic}-stalled`;
  /** [ms since epoch, messages] of each acknowledged send. */
  const acks: [number, number][] = [];
  let producing = true;
  let load: Promise<void> = Promise.resolve();
  let loadStartS = 0;

  before(async function () {
    const problem = prometheusProblem();
    if (problem !== null) skipOrFail(this, `prometheus is not usable here (Debian package prometheus): ${problem}. Install it with: apt-get install -y prometheus`);
    broker = await BrokerProcess.start();
    const metricsUrl = broker.metricsUrl;
    assert.ok(metricsUrl !== undefined, `the node printed no metrics URL: ${broker.stdout()}`);
    const target = new URL(metricsUrl);
    prom = await PrometheusProcess.start(target.host, target.pathname, 1);
    client = makeKafka(broker.bootstrap, 'metrics-prometheus');
    admin = client.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    producer = client.kafka.producer();
    await producer.connect();
    loadStartS = Date.now() / 1000;
    load = produceSteadily();
    consumers.push(await consume(liveGroup, () => false));
    // The stalled group reads a little, commits, and leaves while the producer goes on.
    let seen = 0;
    const stalled = await consume(stalledGroup, () => ++seen >= 50);
    await waitFor('the stalled group to read 50 messages', () => seen >= 50, 60_000);
    await stalled.disconnect();
  });

  async function produceSteadily(): Promise<void> {
    const value = Buffer.alloc(100, 'x');
    const start = Date.now();
    for (let i = 1; producing; i++) {
      await producer.send({ topic, messages: Array.from({ length: BATCH }, (_, k) => ({ key: String(k), value })) });
      acks.push([Date.now(), BATCH]);
      const next = start + i * BATCH_EVERY_MS;
      if (next > Date.now()) await sleep(next - Date.now());
    }
  }

  async function consume(groupId: string, stop: () => boolean): Promise<Consumer> {
    const c = client.kafka.consumer({ groupId, heartbeatInterval: 1000 });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({ eachMessage: async () => void stop() });
    consumers.push(c);
    return c;
  }

  /** The time of Prometheus' latest scrape of the node, unix seconds. */
  async function lastScrapeS(): Promise<number> {
    const r = await (prom as PrometheusProcess).query('timestamp(kafka_brokers)');
    return Number(r[0]?.value[1] ?? 0);
  }

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
    if (client !== undefined) printKafkajsLogOnFailure(this, client.log);
    if (this.currentTest?.state === 'failed' && prom !== undefined) console.log(`      [metrics] prometheus log tail:\n${prom.log.slice(-3000)}`);
  });

  after(async () => {
    producing = false;
    await load.catch(() => undefined);
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await prom?.stop();
    await broker?.cleanup();
  });

  it(`Prometheus scrapes the node for ${LOAD_BEFORE_QUERIES_S} s of load`, async () => {
    const p = prom as PrometheusProcess;
    await waitFor(`${LOAD_BEFORE_QUERIES_S} s of scraped load`, async () => (await lastScrapeS()) >= loadStartS + LOAD_BEFORE_QUERIES_S, 120_000, 500);
    const up = await p.query('up{job="tributary"}');
    assert.equal(up[0]?.value[1], '1', 'the scrape target is up');
  });

  it('every panel, variable and README query returns at least one series', async () => {
    const p = prom as PrometheusProcess;
    const queries = [...dashboardQueries(), ...readmeQueries()];
    const empty: string[] = [];
    for (const q of queries) {
      const result = await p.query(runnable(q.expr));
      if (result.length === 0) empty.push(`${q.where}: ${runnable(q.expr)}`);
    }
    assert.deepEqual(empty, [], 'queries that returned no series');
  });

  it('the throughput panel agrees with what the producer sent, within 10 %', async () => {
    const p = prom as PrometheusProcess;
    const panel = dashboardQueries().find((q) => q.where.includes('Messages in by topic'));
    assert.ok(panel !== undefined, 'the dashboard has a "Messages in by topic" panel');
    const at = await lastScrapeS();
    const series = await p.query(runnable(panel.expr, `${THROUGHPUT_WINDOW_S}s`), at);
    const measured = Number(series.find((s) => s.metric['topic'] === topic)?.value[1]);
    const fromMs = (at - THROUGHPUT_WINDOW_S) * 1000;
    const sent = acks.filter(([t]) => t > fromMs && t <= at * 1000).reduce((n, [, m]) => n + m, 0) / THROUGHPUT_WINDOW_S;
    assert.ok(sent > 50, `the producer sent ${sent}/s, too little to compare`);
    assert.ok(Math.abs(measured - sent) / sent <= 0.1, `panel says ${measured} msg/s, the producer sent ${sent} msg/s`);
  });

  it('a group that stopped consuming: kafka_consumergroup_lag grows, and equals high watermark − committed offset (kafkajs admin)', async () => {
    const p = prom as PrometheusProcess;
    const lagSum = async (at: number): Promise<number> =>
      Number((await p.query(`kafka_consumergroup_lag_sum{consumergroup="${stalledGroup}",topic="${topic}"}`, at))[0]?.value[1] ?? NaN);
    const now = await lastScrapeS();
    const earlier = await lagSum(now - 10);
    const later = await lagSum(now);
    assert.ok(later > earlier && earlier > 0, `lag went from ${earlier} to ${later} while the producer went on`);

    producing = false;
    await load;
    const high = await admin.fetchTopicOffsets(topic);
    const committed = (await admin.fetchOffsets({ groupId: stalledGroup, topics: [topic] }))[0]?.partitions ?? [];
    const readS = Date.now() / 1000;
    await waitFor('a scrape after the producer stopped', async () => (await lastScrapeS()) > readS + 1, 30_000, 250);
    const lag = await p.query(`kafka_consumergroup_lag{consumergroup="${stalledGroup}",topic="${topic}"}`);
    const byPartition = new Map(lag.map((s) => [Number(s.metric['partition']), Number(s.value[1])]));
    const expected = new Map(high.map((h) => {
      const c = committed.find((x) => x.partition === h.partition);
      return [h.partition, Number(h.high) - Number(c?.offset ?? 0)];
    }));
    assert.deepEqual(byPartition, expected, `Prometheus: ${JSON.stringify([...byPartition])}; kafkajs: high ${JSON.stringify(high)}, committed ${JSON.stringify(committed)}`);
    const members = await p.query(`kafka_consumergroup_members{consumergroup="${stalledGroup}"}`);
    assert.equal(members[0]?.value[1], '0', 'the stalled group has no members');
  });
});
