/** One row per measured figure; the stdout table and the JSON file in bench/results/. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as path from 'node:path';
import { BENCH_SRC, REPO_ROOT } from './tools.js';
import { median } from './stats.js';

export interface Row {
  workload: string;
  unit: string;
  /** Whether a bigger figure is better (throughput) or worse (latency, time, memory). */
  higherIsBetter: boolean;
  ours: number[];
  reference: number[];
  /** The machine limit this row is compared with, by name (see Limits). */
  limit?: keyof Limits;
  target?: string;
  note?: string;
}

export interface Limits {
  loopbackTcpMBps: number;
  appendNoSyncMBps: number;
  appendFdatasyncPerMiBMBps: number;
}

const fmt = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (a: number, b: number | null): number | null => (b === null || !Number.isFinite(b) || b === 0 ? null : a / b);

export function summarize(rows: readonly Row[], limits: Limits) {
  return rows.map((r) => {
    const ours = median(r.ours);
    const reference = r.reference.length ? median(r.reference) : null;
    const limit = r.limit ? limits[r.limit] : null;
    return { ...r, oursMedian: ours, referenceMedian: reference, limitValue: limit, oursOverReference: ratio(ours, reference), oursOverLimit: ratio(ours, limit) };
  });
}

export function printTable(rows: readonly Row[], limits: Limits): string {
  const head = ['workload', 'unit', 'ours', 'reference', 'limit', 'ours/ref', 'ours/limit', 'target'];
  const body = summarize(rows, limits).map((r) => [
    r.workload,
    r.unit + (r.higherIsBetter ? '' : ' (lower better)'),
    fmt(r.oursMedian),
    fmt(r.referenceMedian),
    r.limit ? `${fmt(r.limitValue)} ${r.limit.replace(/MBps$/, '')}` : '-',
    r.oursOverReference === null ? '-' : `${r.oursOverReference.toFixed(2)}x`,
    r.oursOverLimit === null ? '-' : `${r.oursOverLimit.toFixed(2)}x`,
    r.target ?? '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
  return out;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function librdkafkaVersion(): string {
  try {
    return execFileSync('pkg-config', ['--modversion', 'rdkafka'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function writeResults(rows: readonly Row[], limits: Limits, extra: Record<string, unknown>): string {
  const dir = path.join(BENCH_SRC, 'results');
  mkdirSync(dir, { recursive: true });
  const startedAt = new Date().toISOString();
  const file = path.join(dir, `${startedAt.replace(/[:.]/g, '-')}${extra['quick'] ? '-quick' : ''}.json`);
  const doc = {
    startedAt,
    machine: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version, librdkafka: librdkafkaVersion() },
    git: { commit: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain', '--', 'src']).length > 0 },
    ...extra,
    limits,
    rows: summarize(rows, limits),
  };
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}
