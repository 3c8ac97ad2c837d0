/**
 * Workload 4: consume throughput draining a backlog with the librdkafka consumer
 * (bench/c/consumer-perf.c), every run from offset 0 of every partition.
 *
 * Same shape on both brokers: P partitions of 3800 x 1 KiB (about 4 MB each), since the reference
 * keeps only about 5 MB per partition in memory. P = 512 in a full run (a 2 GB backlog). Then the
 * issue's shape, ours only: the same 2 GB on 16 partitions (the reference cannot hold it).
 */
import { num, runTool } from '../tools.js';
import { type BenchContext, order, push, row, topicName } from './context.js';
import type { BrokerKind } from '../brokers.js';
import type { Row } from '../report.js';

const PER_PARTITION = 3800;

export async function consumeWorkload(ctx: BenchContext): Promise<Row[]> {
  const parts = ctx.sizes.consumePartitions;
  const shared = row(`4. consume backlog ${parts}p x 3.9 MB`, 'MB/s', true, { limit: 'loopbackTcpMBps' });
  const topics = new Map<BrokerKind, string>();
  for (const kind of order(0)) {
    const broker = ctx.brokers[kind];
    const topic = topicName('backlog');
    await broker.createTopic(topic, parts);
    const r = await runTool(ctx.tools, 'producer-perf', [broker.bootstrap, topic, parts * PER_PARTITION, 1024, 0, 'acks=1', `bench.partitions=${parts}`]);
    ctx.log(`  ${kind}: backlog of ${(num(r, 'bytes') / 1e6).toFixed(0)} MB written at ${num(r, 'mbPerSec').toFixed(0)} MB/s`);
    topics.set(kind, topic);
  }
  for (let run = 0; run < ctx.sizes.runs; run++) {
    for (const kind of order(run)) {
      const r = await runTool(ctx.tools, 'consumer-perf', [ctx.brokers[kind].bootstrap, topics.get(kind) as string, parts, parts * PER_PARTITION]);
      ctx.log(`  run ${run + 1} ${kind} consume: ${num(r, 'mbPerSec').toFixed(1)} MB/s (${num(r, 'messages')} msgs)`);
      push(shared, kind, num(r, 'messages') === parts * PER_PARTITION ? num(r, 'mbPerSec') : NaN);
    }
  }

  const bytes = ctx.sizes.consumeBacklogBytes;
  const count = Math.floor(bytes / 1024);
  const big = row(`4. consume ${(bytes / 1e9).toFixed(1)} GB backlog 16p (ours only)`, 'MB/s', true, { limit: 'loopbackTcpMBps', note: 'the reference trims its log to ~5 MB per partition' });
  const broker = ctx.brokers.tributary;
  const topic = topicName('backlog16');
  await broker.createTopic(topic, 16);
  const w = await runTool(ctx.tools, 'producer-perf', [broker.bootstrap, topic, count, 1024, 0, 'acks=1', 'bench.partitions=16']);
  ctx.log(`  tributary: ${(num(w, 'bytes') / 1e9).toFixed(2)} GB backlog written at ${num(w, 'mbPerSec').toFixed(0)} MB/s`);
  for (let run = 0; run < ctx.sizes.runs; run++) {
    const r = await runTool(ctx.tools, 'consumer-perf', [broker.bootstrap, topic, 16, count]);
    ctx.log(`  run ${run + 1} tributary consume 16p: ${num(r, 'mbPerSec').toFixed(1)} MB/s`);
    big.ours.push(num(r, 'messages') === count ? num(r, 'mbPerSec') : NaN);
  }
  return [shared, big];
}
