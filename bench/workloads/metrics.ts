/**
 * Workload 7: what metrics cost the produce path. Two fresh Tributary processes, one with metrics
 * on (the default: every produce and request counted and timed) and one with
 * `tributary.metrics.listeners=` (off: nothing counted), take the same librdkafka produce runs,
 * alternating which goes first. In the table, "ours" is metrics on and "reference" is metrics off,
 * so ours/ref is the on/off throughput ratio (1.00x = no measurable cost).
 *
 * The metrics-on node's /metrics must report the messages produced, so the row cannot pass with
 * counting silently broken.
 */
import { startTributary, type Broker } from '../brokers.js';
import { num, runTool } from '../tools.js';
import { type BenchContext, row, topicName } from './context.js';
import type { Row } from '../report.js';

const CASES = [
  { bytes: 1024, partitions: 1 },
  { bytes: 100, partitions: 16 },
] as const;

async function messagesIn(broker: Broker, topic: string): Promise<number> {
  if (broker.metricsUrl === undefined) throw new Error('the metrics-on node printed no metrics URL');
  const text = await (await fetch(broker.metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`kafka_server_brokertopicmetrics_messagesin_total{topic="${topic}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

export async function metricsWorkload(ctx: BenchContext): Promise<Row[]> {
  const rows = CASES.map((c) => row(`7. produce ${c.bytes === 1024 ? '1 KiB' : '100 B'} acks=1 ${c.partitions}p, metrics on (ref = off)`, 'MB/s', true, { target: '>= 0.97x' }));
  const on = await startTributary();
  const off = await startTributary({ overrides: { 'tributary.metrics.listeners': '' } });
  try {
    for (let run = 0; run < ctx.sizes.runs; run++) {
      for (const [i, c] of CASES.entries()) {
        const order: [Broker, 'on' | 'off'][] = run % 2 === 0 ? [[on, 'on'], [off, 'off']] : [[off, 'off'], [on, 'on']];
        for (const [broker, label] of order) {
          const topic = topicName(`metrics-${c.bytes}-${c.partitions}`);
          await broker.createTopic(topic, c.partitions);
          const count = c.bytes === 1024 ? ctx.sizes.produceMessages1KiB : ctx.sizes.produceMessages100B;
          const r = await runTool(ctx.tools, 'producer-perf', [broker.bootstrap, topic, count, c.bytes, 0, 'acks=1']);
          if (label === 'on') {
            const counted = await messagesIn(broker, topic);
            if (counted !== count) throw new Error(`metrics on: /metrics counted ${counted} messages in, the producer sent ${count}`);
          }
          ctx.log(`  run ${run + 1} metrics ${label} ${rows[i]?.workload}: ${num(r, 'mbPerSec').toFixed(1)} MB/s`);
          (label === 'on' ? (rows[i] as Row).ours : (rows[i] as Row).reference).push(num(r, 'mbPerSec'));
        }
      }
    }
  } finally {
    await on.stop();
    await off.stop();
  }
  return rows;
}
