/**
 * Workload 3: end-to-end latency (produce -> consumer receipt) at a fixed 50k msgs/s of 100 B,
 * librdkafka producer (linger.ms=0, acks=1) and consumer in one process (bench/c/e2e-latency.c).
 * 100 B because the reference trims each partition's in-memory log to a few MB, which at 1 KiB and
 * 50k msgs/s drops messages under a consumer that is a moment behind.
 */
import { num, runTool } from '../tools.js';
import { type BenchContext, order, push, row, topicName } from './context.js';
import type { Row } from '../report.js';

export const LATENCY_RATE = 50_000;

export async function latencyWorkload(ctx: BenchContext): Promise<Row[]> {
  const p50 = row('3. e2e latency p50 @50k/s 100 B', 'ms', false);
  const p99 = row('3. e2e latency p99 @50k/s 100 B', 'ms', false, { target: '<= 5 ms' });
  const p999 = row('3. e2e latency p99.9 @50k/s 100 B', 'ms', false);
  for (let run = 0; run < ctx.sizes.runs; run++) {
    for (const kind of order(run)) {
      const broker = ctx.brokers[kind];
      const topic = topicName('latency');
      await broker.createTopic(topic, 1);
      const r = await runTool(ctx.tools, 'e2e-latency', [broker.bootstrap, topic, LATENCY_RATE, ctx.sizes.latencySeconds, 100]);
      ctx.log(`  run ${run + 1} ${kind} latency: p50 ${num(r, 'p50Ms')} p99 ${num(r, 'p99Ms')} p99.9 ${num(r, 'p999Ms')} ms (${num(r, 'messages')}/${num(r, 'expected')} received)`);
      push(p50, kind, num(r, 'p50Ms'));
      push(p99, kind, num(r, 'p99Ms'));
      push(p999, kind, num(r, 'p999Ms'));
    }
  }
  return [p50, p99, p999];
}
