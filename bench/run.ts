/**
 * `npm run bench [-- --quick] [-- --only=1,3]`: Tributary side by side with librdkafka's mock
 * cluster and this machine's limits, in one run; prints a table of medians and ratios and writes
 * the same as JSON to bench/results/. See bench/README.md.
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { type Broker, startReference, startTributary } from './brokers.js';
import { fileAppendMBps, loopbackTcpMBps } from './limits.js';
import { type Limits, type Row, printTable, writeResults } from './report.js';
import { median, sampleRss } from './stats.js';
import { buildTools } from './tools.js';
import type { BenchContext, Sizes } from './workloads/context.js';
import { row } from './workloads/context.js';
import { consumeWorkload } from './workloads/consume.js';
import { kafkajsWorkload } from './workloads/kafkajs.js';
import { latencyWorkload } from './workloads/latency.js';
import { metricsWorkload } from './workloads/metrics.js';
import { schemaValidationWorkload } from './workloads/schema-validation.js';
import { produceWorkloads } from './workloads/produce.js';
import { replicationWorkload } from './workloads/replication.js';
import { startupWorkload } from './workloads/startup.js';

const FULL: Sizes = { runs: 3, produceMessages1KiB: 500_000, produceMessages100B: 2_000_000, latencySeconds: 5, consumePartitions: 512, consumeBacklogBytes: 2e9, kafkajsMessages: 100_000, coldStartRuns: 3 };
const QUICK: Sizes = { runs: 1, produceMessages1KiB: 100_000, produceMessages100B: 300_000, latencySeconds: 2, consumePartitions: 32, consumeBacklogBytes: 2e8, kafkajsMessages: 20_000, coldStartRuns: 1 };

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',')) : null;
const want = (w: string): boolean => only === null || only.has(w);
const log = (msg: string): void => console.error(msg);

async function measureLimits(seconds: number): Promise<Limits> {
  return {
    loopbackTcpMBps: await loopbackTcpMBps(seconds),
    appendNoSyncMBps: await fileAppendMBps(seconds, false, 2 ** 31),
    appendFdatasyncPerMiBMBps: await fileAppendMBps(seconds, true, 2 ** 31),
  };
}

async function main(): Promise<void> {
  const sizes = quick ? QUICK : FULL;
  const t0 = performance.now();
  log(`tributary bench (${quick ? 'quick' : 'full'}), ${cpus().length} cores: building the C tools`);
  const tools = buildTools();
  const brokers: Broker[] = [];
  const rows: Row[] = [];
  try {
    log('machine limits (before)');
    const before = await measureLimits(quick ? 1 : 2);
    const tributary = await startTributary();
    brokers.push(tributary);
    const reference = await startReference(tools);
    brokers.push(reference);
    const ctx: BenchContext = { tools, sizes, brokers: { tributary, reference }, log };
    if (want('1') || want('2')) {
      log('workloads 1-2: produce throughput');
      const peakOurs = sampleRss(tributary.pid);
      const peakRef = sampleRss(reference.pid);
      rows.push(...(await produceWorkloads(ctx)));
      rows.push(row('6. RSS peak under produce (1-2)', 'MB', false, { ours: [peakOurs()], reference: [peakRef()] }));
    }
    if (want('3')) {
      log('workload 3: end-to-end latency');
      rows.push(...(await latencyWorkload(ctx)));
    }
    if (want('4')) {
      log('workload 4: consume a backlog');
      rows.push(...(await consumeWorkload(ctx)));
    }
    if (want('5')) {
      log('workload 5: kafkajs');
      rows.push(...(await kafkajsWorkload(ctx)));
    }
    for (const b of brokers.splice(0)) await b.stop();
    if (want('7')) {
      log('workload 7: produce with metrics on vs off');
      rows.push(...(await metricsWorkload(ctx)));
    }
    if (want('8')) {
      log('workload 8: produce Avro to a schema-validated topic vs a plain one');
      rows.push(...(await schemaValidationWorkload(ctx)));
    }
    if (want('9')) {
      log('workload 9: produce acks=all to a 3-node cluster (RF3) vs a single node (RF1)');
      rows.push(...(await replicationWorkload(ctx)));
    }
    if (want('6')) {
      log('workload 6: cold start and footprint');
      rows.push(...(await startupWorkload(ctx)));
    }
    log('machine limits (after)');
    const after = await measureLimits(quick ? 1 : 2);
    const limits: Limits = {
      loopbackTcpMBps: median([before.loopbackTcpMBps, after.loopbackTcpMBps]),
      appendNoSyncMBps: median([before.appendNoSyncMBps, after.appendNoSyncMBps]),
      appendFdatasyncPerMiBMBps: median([before.appendFdatasyncPerMiBMBps, after.appendFdatasyncPerMiBMBps]),
    };
    const seconds = (performance.now() - t0) / 1000;
    const table = printTable(rows, limits);
    console.log(table);
    console.log(`\nlimits (mean of before/after): loopback TCP ${limits.loopbackTcpMBps.toFixed(0)} MB/s, append ${limits.appendNoSyncMBps.toFixed(0)} MB/s, append+fdatasync/MiB ${limits.appendFdatasyncPerMiBMBps.toFixed(0)} MB/s; ${sizes.runs} run(s) per figure, medians; ${seconds.toFixed(0)} s`);
    const file = writeResults(rows, limits, { quick, sizes, seconds, limitsBefore: before, limitsAfter: after, table });
    console.log(`results: ${file}`);
  } finally {
    for (const b of brokers) await b.stop();
    rmSync(tools.dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exitCode = 1;
});
