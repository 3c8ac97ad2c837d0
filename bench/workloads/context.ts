/** What every workload gets: the tools, both running brokers, the run count and sizes. */
import type { Broker, BrokerKind } from '../brokers.js';
import type { Row } from '../report.js';
import type { Tools } from '../tools.js';

export interface Sizes {
  runs: number;
  /** Messages per produce run, by message size. */
  produceMessages1KiB: number;
  produceMessages100B: number;
  latencySeconds: number;
  /** Workload 4: partitions x messages per partition (1 KiB) for the same-shape comparison. */
  consumePartitions: number;
  /** Workload 4, ours only: the full backlog on 16 partitions. */
  consumeBacklogBytes: number;
  kafkajsMessages: number;
  coldStartRuns: number;
}

export interface BenchContext {
  tools: Tools;
  sizes: Sizes;
  brokers: Record<BrokerKind, Broker>;
  log(msg: string): void;
}

/** Both brokers, alternating which goes first from run to run. */
export function order(run: number): BrokerKind[] {
  return run % 2 === 0 ? ['tributary', 'reference'] : ['reference', 'tributary'];
}

export function row(workload: string, unit: string, higherIsBetter: boolean, extra: Partial<Row> = {}): Row {
  return { workload, unit, higherIsBetter, ours: [], reference: [], ...extra };
}

export function push(r: Row, kind: BrokerKind, value: number): void {
  (kind === 'tributary' ? r.ours : r.reference).push(value);
}

let topicSeq = 0;
export function topicName(prefix: string): string {
  return `${prefix}-${process.pid}-${topicSeq++}`;
}
