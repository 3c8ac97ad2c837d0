/**
 * A Tributary node as a child process: what `tributary compat` runs against when no --bootstrap is
 * given (a process, so a capability that needs a restart can stop and start it on the same log dir
 * and port), and what the compat-tests start.
 *
 * The node is started with `node bin/tributary.js start`, on 127.0.0.1 port 0 (the kernel picks a
 * free port) and a fresh temporary log dir unless one is given. The bootstrap address is learned from
 * the one line the node prints on stdout:
 *
 *   Tributary node 1 (cluster <id>) listening on PLAINTEXT://127.0.0.1:<port>, data in <dir>
 *
 * stderr (the node's log) is kept so a failing test can print it. Every process started here is
 * also SIGKILLed when the test process exits, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, TRIBUTARY_CLI } from './package-root.js';
import { sleep } from './wait.js';

/** The package (repository) root. */
export const REPO_ROOT = PACKAGE_ROOT;
const CLI = TRIBUTARY_CLI;

const STDERR_KEEP = 256 * 1024;

export interface BrokerOptions {
  /** Kafka config keys → values, passed as `--override k=v` (listeners/log.dirs are set here). */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Reuse this log dir instead of a fresh temporary one (it is then not deleted by cleanup()). */
  readonly logDir?: string;
  /** Listen on this port instead of 0 (used by restart to keep the address). */
  readonly port?: number;
  /** How long to wait for the "listening on" line. */
  readonly startTimeoutMs?: number;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export class BrokerProcess {
  private child: ChildProcess;
  private exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private stderrBuf = '';
  private stdoutBuf = '';
  /** All stderr of earlier incarnations (restarts), for diagnostics. */
  private history = '';
  private readonly ownsLogDir: boolean;
  private readonly overrides: Readonly<Record<string, string>>;
  private readonly startTimeoutMs: number;
  host = '127.0.0.1';
  port = 0;
  clusterId = '';

  private constructor(readonly logDir: string, ownsLogDir: boolean, opts: BrokerOptions) {
    this.ownsLogDir = ownsLogDir;
    this.overrides = opts.overrides ?? {};
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    // Assigned by spawnChild(); these placeholders keep strict initialisation happy.
    this.child = undefined as unknown as ChildProcess;
    this.exited = Promise.resolve({ code: null, signal: null });
  }

  /** Starts a node and resolves once it is listening. */
  static async start(opts: BrokerOptions = {}): Promise<BrokerProcess> {
    installExitHook();
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
    return this.child.pid;
  }

  /** True while the current process has not exited. */
  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The node's log (stderr) of this incarnation; the tail if it got long. */
  stderr(): string {
    return this.stderrBuf;
  }

  /** stderr of every incarnation, earliest first, with a marker between them. */
  allStderr(): string {
    return this.history + this.stderrBuf;
  }

  stdout(): string {
    return this.stdoutBuf;
  }

  private async spawnChild(port: number): Promise<void> {
    const args = [
      CLI, 'start',
      '--override', `listeners=PLAINTEXT://127.0.0.1:${port}`,
      '--override', `log.dirs=${this.logDir}`,
    ];
    for (const [k, v] of Object.entries(this.overrides)) args.push('--override', `${k}=${v}`);
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exitInfo = undefined;
    this.stdoutBuf = '';
    this.stderrBuf = '';
    live.add(child);
    this.exited = new Promise<ExitInfo>((res) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        res(this.exitInfo);
      });
      child.once('error', (err) => {
        live.delete(child);
        this.stderrBuf += `\n[compat] spawn error: ${err.message}\n`;
        this.exitInfo = { code: null, signal: null };
        res(this.exitInfo);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrBuf += d;
      if (this.stderrBuf.length > STDERR_KEEP) this.stderrBuf = this.stderrBuf.slice(-STDERR_KEEP);
    });
    child.stdout?.setEncoding('utf8');

    const listening = new Promise<void>((res, rej) => {
      const onData = (d: string): void => {
        this.stdoutBuf += d;
        const m = /listening on (?:[A-Za-z0-9_]+:\/\/)?([^\s,]+):(\d+)/.exec(this.stdoutBuf);
        const cluster = /\(cluster ([^)]+)\)/.exec(this.stdoutBuf);
        if (m?.[1] !== undefined && m[2] !== undefined) {
          this.host = m[1];
          this.port = Number(m[2]);
          this.clusterId = cluster?.[1] ?? '';
          res();
        }
      };
      child.stdout?.on('data', onData);
      void this.exited.then((info) =>
        rej(new Error(`tributary exited before listening (code ${info.code}, signal ${info.signal})\n` +
          `stdout: ${this.stdoutBuf}\nstderr:\n${this.stderrBuf}`)));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(
        `tributary did not print its listening line within ${this.startTimeoutMs} ms\n` +
        `stdout: ${this.stdoutBuf}\nstderr:\n${this.stderrBuf}`)), this.startTimeoutMs);
    });
    try {
      await Promise.race([listening, timeout]);
    } catch (e) {
      child.kill('SIGKILL');
      await this.exited;
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SIGTERM, then wait (bounded) for the exit. If the node does not exit in time it is SIGKILLed and
   * this rejects, so a hung shutdown fails the test instead of hanging it.
   */
  async stop(timeoutMs = 20_000): Promise<ExitInfo> {
    if (this.exitInfo !== undefined) return this.exitInfo;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((res) => {
      timer = setTimeout(() => res('timeout'), timeoutMs);
    });
    const r = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (r === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`tributary did not exit within ${timeoutMs} ms of SIGTERM; SIGKILLed it\nstderr:\n${this.stderrBuf}`);
    }
    return r;
  }

  /** SIGKILL (kill -9), and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    if (this.exitInfo !== undefined) return this.exitInfo;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Sends a signal without waiting (SIGSTOP/SIGCONT for pause tests). */
  signal(sig: NodeJS.Signals): void {
    if (this.exitInfo === undefined) this.child.kill(sig);
  }

  /**
   * Starts the node again on the same log dir (and, by default, the same port, so the bootstrap
   * address does not change). The previous incarnation must have exited (stop() or kill()).
   */
  async restart(opts: { samePort?: boolean } = {}): Promise<void> {
    if (this.exitInfo === undefined) throw new Error('restart(): the node is still running; stop() or kill() it first');
    this.history += this.stderrBuf + `\n----- [compat] restart (previous exit ${JSON.stringify(this.exitInfo)}) -----\n`;
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
    if (this.exitInfo === undefined) {
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
