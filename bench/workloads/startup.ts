/**
 * Workload 6: cold start to the first acknowledged produce (kafkajs, to an auto-created topic), as a
 * process (spawn -> listening line -> produce) and embedded (`startNode()` -> produce, in a fresh
 * Node process: bench/embedded-start.ts); the reference is its process the same way. Then idle RSS
 * (1 s after start, one topic) and peak RSS under workload 1, sampled from /proc.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Broker, type BrokerKind, startReference, startTributary } from '../brokers.js';
import { firstProduce } from '../first-produce.js';
import { rssMb, sleep } from '../stats.js';
import { type BenchContext, row } from './context.js';
import type { Row } from '../report.js';

const EMBEDDED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../embedded-start.js');

function embeddedStart(): Promise<{ importMs: number; startToFirstProduceMs: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [EMBEDDED], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`embedded start: ${err.message} ${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as { importMs: number; startToFirstProduceMs: number });
    });
  });
}

export async function startupWorkload(ctx: BenchContext): Promise<Row[]> {
  const proc = row('6. cold start -> first produce (process)', 'ms', false, { target: '<= 400 ms' });
  const embedded = row('6. cold start -> first produce (embedded)', 'ms', false, { target: '<= 150 ms', note: 'startNode() to ack, module import excluded (reported in JSON); reference = its process start' });
  const embeddedImport: number[] = [];
  const idle = row('6. RSS idle', 'MB', false, { target: '<= 80 MB' });
  for (let run = 0; run < ctx.sizes.coldStartRuns; run++) {
    for (const kind of ['tributary', 'reference'] as BrokerKind[]) {
      const t0 = performance.now();
      const b: Broker = kind === 'tributary' ? await startTributary() : await startReference(ctx.tools);
      await firstProduce(b.bootstrap);
      const ms = performance.now() - t0;
      (kind === 'tributary' ? proc.ours : proc.reference).push(ms);
      if (kind === 'reference') embedded.reference.push(ms);
      await b.createTopic(`idle-${run}`, 1);
      await sleep(1000);
      (kind === 'tributary' ? idle.ours : idle.reference).push(rssMb(b.pid));
      await b.stop();
    }
    const e = await embeddedStart();
    embedded.ours.push(e.startToFirstProduceMs);
    embeddedImport.push(e.importMs);
    ctx.log(`  run ${run + 1}: process ${proc.ours.at(-1)?.toFixed(0)} ms (ref ${proc.reference.at(-1)?.toFixed(0)}), embedded ${e.startToFirstProduceMs.toFixed(0)} ms + import ${e.importMs.toFixed(0)} ms, idle RSS ${idle.ours.at(-1)?.toFixed(0)} MB (ref ${idle.reference.at(-1)?.toFixed(0)})`);
  }
  embedded.note += `; import ms: ${embeddedImport.map((x) => x.toFixed(0)).join(', ')}`;
  return [proc, embedded, idle];
}
