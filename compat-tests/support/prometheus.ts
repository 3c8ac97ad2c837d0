/**
 * Debian's `prometheus` as a child process scraping one target, and its HTTP query API.
 *
 * Each instance gets its own temp dir (config and --storage.tsdb.path) and a free loopback port
 * for --web.listen-address; it is SIGKILLed with the test process whatever happens (ManagedChild).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ManagedChild } from '../../src/compat/managed-child.js';
import { waitFor } from '../../src/compat/wait.js';

export const PROMETHEUS_BIN = process.env['PROMETHEUS_BIN'] ?? 'prometheus';

/** null when `prometheus --version` runs, else why not. */
export function prometheusProblem(): string | null {
  const r = spawnSync(PROMETHEUS_BIN, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error !== undefined) return r.error.message;
  return r.status === 0 ? null : `prometheus --version exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`;
}

/** A port the kernel says is free right now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface PromSeries {
  readonly metric: Record<string, string>;
  /** [unix seconds, value as Prometheus prints it]. */
  readonly value: [number, string];
}

export class PrometheusProcess {
  private constructor(private readonly child: ManagedChild, private readonly dir: string, readonly url: string) {}

  /** Starts Prometheus scraping `target` (host:port) at `metricsPath` every `scrapeIntervalS` seconds. */
  static async start(target: string, metricsPath = '/metrics', scrapeIntervalS = 1): Promise<PrometheusProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-prometheus-'));
    const config = [
      'global:',
      `  scrape_interval: ${scrapeIntervalS}s`,
      `  evaluation_interval: ${scrapeIntervalS}s`,
      'scrape_configs:',
      '  - job_name: tributary',
      `    metrics_path: ${metricsPath}`,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n');
    writeFileSync(join(dir, 'prometheus.yml'), config);
    // A port taken between freePort() and Prometheus binding it fails the start; one retry covers it.
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      const child = new ManagedChild({
        command: PROMETHEUS_BIN,
        args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h'],
        cwd: dir,
      });
      const prom = new PrometheusProcess(child, dir, `http://127.0.0.1:${port}`);
      try {
        await waitFor('prometheus /-/ready', async () => {
          if (child.exit !== undefined) throw new Error(`prometheus exited ${JSON.stringify(child.exit)}: ${child.stderr.slice(-2000)}`);
          return (await fetch(`${prom.url}/-/ready`).catch(() => null))?.ok === true;
        }, 60_000, 200);
        return prom;
      } catch (e) {
        await child.kill();
        if (attempt >= 1 || !/address already in use/.test(child.stderr)) {
          rmSync(dir, { recursive: true, force: true });
          throw e;
        }
      }
    }
  }

  get log(): string {
    return this.child.stderr;
  }

  /** An instant query (at `timeS`, unix seconds, or now); throws on a PromQL error. */
  async query(expr: string, timeS?: number): Promise<PromSeries[]> {
    const params = new URLSearchParams({ query: expr });
    if (timeS !== undefined) params.set('time', timeS.toFixed(3));
    const res = await fetch(`${this.url}/api/v1/query?${params.toString()}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: PromSeries[] | [number, string] } };
    if (body.status !== 'success' || body.data === undefined) throw new Error(`PromQL ${expr}: ${body.error ?? res.status}`);
    if (body.data.resultType === 'scalar') return [{ metric: {}, value: body.data.result as [number, string] }];
    return body.data.result as PromSeries[];
  }

  async stop(): Promise<void> {
    try {
      await this.child.stop(15_000, 'prometheus');
    } catch {
      await this.child.kill();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
