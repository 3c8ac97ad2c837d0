/**
 * Workloads 1 and 2: produce throughput with the librdkafka generator (bench/c/producer-perf.c):
 * 1 KiB and 100 B messages, 1 and 16 partitions, acks=1; then acks=all (Tributary fsyncs before
 * it acknowledges; the in-memory reference has nothing to sync).
 */
import { num, runTool } from '../tools.js';
import { type BenchContext, order, push, row, topicName } from './context.js';
import type { Row } from '../report.js';

interface Case {
  bytes: number;
  partitions: number;
  acks: '1' | 'all';
}

const CASES: Case[] = [
  { bytes: 1024, partitions: 1, acks: '1' },
  { bytes: 1024, partitions: 16, acks: '1' },
  { bytes: 100, partitions: 1, acks: '1' },
  { bytes: 100, partitions: 16, acks: '1' },
  { bytes: 1024, partitions: 1, acks: 'all' },
  { bytes: 1024, partitions: 16, acks: 'all' },
];

export async function produceWorkloads(ctx: BenchContext): Promise<Row[]> {
  const rows = CASES.map((c) => {
    const w = c.acks === '1' ? '1' : '2';
    const target = c.acks === '1' && c.bytes === 1024 ? '>= 1.0x ref' : c.acks === 'all' ? '>= 0.7x fdatasync/MiB' : undefined;
    return row(`${w}. produce ${c.bytes === 1024 ? '1 KiB' : '100 B'} acks=${c.acks} ${c.partitions}p`, 'MB/s', true, {
      limit: c.acks === '1' ? 'loopbackTcpMBps' : 'appendFdatasyncPerMiBMBps',
      ...(target ? { target } : {}),
    });
  });
  for (let run = 0; run < ctx.sizes.runs; run++) {
    for (const [i, c] of CASES.entries()) {
      for (const kind of order(run)) {
        const broker = ctx.brokers[kind];
        const topic = topicName(`produce-${c.bytes}-${c.partitions}`);
        await broker.createTopic(topic, c.partitions);
        const count = c.bytes === 1024 ? ctx.sizes.produceMessages1KiB : ctx.sizes.produceMessages100B;
        const r = await runTool(ctx.tools, 'producer-perf', [broker.bootstrap, topic, count, c.bytes, 0, `acks=${c.acks}`]);
        ctx.log(`  run ${run + 1} ${kind} ${rows[i]?.workload}: ${num(r, 'mbPerSec').toFixed(1)} MB/s, ${Math.round(num(r, 'msgsPerSec'))} msgs/s`);
        push(rows[i] as Row, kind, num(r, 'mbPerSec'));
      }
    }
  }
  return rows;
}
