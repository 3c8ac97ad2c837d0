/**
 * A Tributary node as a child process: what `tributary compat` runs against when no --bootstrap is
 * given (a process, so a capability that needs a restart can stop and start it on the same log dir
 * and port), and what the compat-tests start.
 *
 * The node is started with `node bin/tributary.js start`, on 127.0.0.1 port 0 (the kernel picks a
 * free port) and a fresh temporary log dir unless one is given. The bootstrap address is learned from
 * the one line the node prints on stdout:
 *
 *   Tributary node 1 (cluster <id>) listening on PLAINTEXT://127.0.0.1:<port>, metrics on http://127.0.0.1:<port>/metrics, data in <dir>
 *
 * stderr (the node's log) is kept so a failing test can print it. Every process started here is
 * also SIGKILLed when the test process exits, whatever happened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awaitReady, ManagedChild, type ExitInfo } from './managed-child.js';
import { PACKAGE_ROOT, TRIBUTARY_CLI } from './package-root.js';
import { sleep } from './wait.js';

export type { ExitInfo } from './managed-child.js';

/** The package (repository) root. */
export const REPO_ROOT = PACKAGE_ROOT;
const CLI = TRIBUTARY_CLI;

/** How long a (re)start may take to print its listening line: generous, for a loaded machine. */
export const START_TIMEOUT_MS = 120_000;

export interface BrokerOptions {
  /** Kafka config keys → values, passed as `--override k=v` (listeners/log.dirs are set here). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Reuse this log dir instead of a fresh temporary one (it is then not deleted by cleanup()). */
  readonly logDir?: string;
  /** Listen on this port instead of 0 (used by restart to keep the address). */
  readonly port?: number;
  /** How long to wait for the "listening on" line (default START_TIMEOUT_MS). */
  readonly startTimeoutMs?: number;
  /** Run the node inside this network namespace (`ip netns exec`, which execs: the pid is the node's). */
  readonly netns?: string;
  /** The address to listen on (default 127.0.0.1): a namespace's own address for fault runs. */
  readonly host?: string;
}

/**
 * A broker process the run (or a test) started and controls: a Tributary node (BrokerProcess) or
 * Apache Kafka (jvm/kafka-process.ts KafkaProcess). Restart rows stop, kill and restart it.
 */
export interface ControlledProcess {
  /** What it is, for reports: 'Tributary', 'Apache Kafka 4.3.1'. */
  readonly product: string;
  readonly bootstrap: string;
  readonly logDir: string;
  readonly clusterId: string;
  readonly pid: number | undefined;
  /** True while the current incarnation has not exited. */
  readonly alive: boolean;
  stop(timeoutMs?: number): Promise<ExitInfo>;
  kill(): Promise<ExitInfo>;
  /** Starts it again on the same log dir and address; the previous incarnation must have exited. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
  allStderr(): string;
}

export class BrokerProcess implements ControlledProcess {
  readonly product = 'Tributary';
  private child: ManagedChild | undefined;
  /** All stderr of earlier incarnations (restarts), for diagnostics. */
  private history = '';
  private readonly ownsLogDir: boolean;
  private readonly overrides: Readonly<Record<string, string>>;
  private readonly startTimeoutMs: number;
  private readonly netns: string | undefined;
  host: string;
  port = 0;
  clusterId = '';

  private constructor(readonly logDir: string, ownsLogDir: boolean, opts: BrokerOptions) {
    this.ownsLogDir = ownsLogDir;
    this.overrides = opts.overrides ?? {};
    this.startTimeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;
    this.netns = opts.netns;
    this.host = opts.host ?? '127.0.0.1';
  }

  /** Starts a node and resolves once it is listening. */
  static async start(opts: BrokerOptions = {}): Promise<BrokerProcess> {
    const owns = opts.logDir === undefined;
    const dir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'tributary-compat-'));
    const broker = new BrokerProcess(dir, owns, opts);
    try {
      await broker.spawnChild(opts.port ?? 0);
    } catch (e) {
      if (owns) rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return broker;
  }

  /** `host:port`, for kafkajs `brokers: [..]`, kcat `-b`, and the Python clients. */
  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** True while the current process has not exited. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exit === undefined;
  }

  /** The node's log (stderr) of this incarnation; the tail if it got long. */
  stderr(): string {
    return this.child?.stderr ?? '';
  }

  /** stderr of every incarnation, earliest first, with a marker between them. */
  allStderr(): string {
    return this.history + this.stderr();
  }

  stdout(): string {
    return this.child?.stdout ?? '';
  }

  /** The node's Prometheus endpoint, from its listening line; undefined when metrics are off. */
  get metricsUrl(): string | undefined {
    return /metrics on (http:\/\/\S+?\/metrics)/.exec(this.stdout())?.[1];
  }

  private async spawnChild(port: number): Promise<void> {
    const args = [
      CLI, 'start',
      '--override', `listeners=PLAINTEXT://${this.host}:${port}`,
      '--override', `log.dirs=${this.logDir}`,
      // Many nodes run at once: metrics on a free port, not the default 9404 (see metricsUrl).
      '--override', 'tributary.metrics.listeners=http://127.0.0.1:0',
      // The schema registry (default :8081) only when a suite asks for it through its overrides.
      '--override', 'schema.registry.listeners=',
    ];
    for (const [k, v] of Object.entries(this.overrides)) args.push('--override', `${k}=${v}`);
    const child = this.netns === undefined
      ? new ManagedChild({ command: process.execPath, args, cwd: REPO_ROOT })
      : new ManagedChild({ command: 'ip', args: ['netns', 'exec', this.netns, process.execPath, ...args], cwd: REPO_ROOT });
    this.child = child;
    // The one line the node prints on stdout once it listens.
    const listening = new Promise<void>((res) => {
      child.onStdout((all) => {
        const m = /listening on (?:[A-Za-z0-9_]+:\/\/)?([^\s,]+):(\d+)/.exec(all);
        if (m?.[1] === undefined || m[2] === undefined) return;
        this.host = m[1];
        this.port = Number(m[2]);
        this.clusterId = /\(cluster ([^)]+)\)/.exec(all)?.[1] ?? '';
        res();
      });
    });
    await awaitReady(child, listening, this.startTimeoutMs, `tributary (listening line on port ${port})`);
  }

  /**
   * SIGTERM, then wait (bounded) for the exit. If the node does not exit in time it is SIGKILLed and
   * this rejects, so a hung shutdown fails the test instead of hanging it.
   */
  async stop(timeoutMs = 20_000): Promise<ExitInfo> {
    return this.child === undefined ? { code: null, signal: null } : this.child.stop(timeoutMs, 'tributary');
  }

  /** SIGKILL (kill -9), and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    return this.child === undefined ? { code: null, signal: null } : this.child.kill();
  }

  /** Sends a signal without waiting (SIGSTOP/SIGCONT for pause tests). */
  signal(sig: NodeJS.Signals): void {
    this.child?.signal(sig);
  }

  /**
   * Starts the node again on the same log dir (and, by default, the same port, so the bootstrap
   * address does not change). The previous incarnation must have exited (stop() or kill()).
   */
  async restart(opts: { samePort?: boolean } = {}): Promise<void> {
    if (this.alive) throw new Error('restart(): the node is still running; stop() or kill() it first');
    this.history += this.stderr() + `\n----- [compat] restart (previous exit ${JSON.stringify(this.child?.exit)}) -----\n`;
    const samePort = opts.samePort ?? true;
    const port = samePort ? this.port : 0;
    // The old port is normally free at once (the listener is gone with the process); retry briefly
    // in case the kernel has not released it yet.
    let lastError: unknown;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await this.spawnChild(port);
        return;
      } catch (e) {
        lastError = e;
        if (!samePort || !/EADDRINUSE/.test(String(e))) break;
        await sleep(300);
      }
    }
    throw lastError;
  }

  /** Stops the node if it is running (SIGKILL if SIGTERM does not work) and removes its temp dir. */
  async cleanup(): Promise<void> {
    if (this.alive) {
      try {
        await this.stop(10_000);
      } catch {
        await this.kill();
      }
    }
    if (this.ownsLogDir) rmSync(this.logDir, { recursive: true, force: true });
  }
}

export { sleep };
