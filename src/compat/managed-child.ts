/**
 * One incarnation of a broker child process (a Tributary node, an Apache Kafka JVM): its exit
 * tracked as a promise, its stdout and stderr kept (stderr's tail when it gets long), stopped with
 * SIGTERM then SIGKILL when it does not exit in time, and SIGKILLed when this process exits,
 * whatever happened, so no run leaves a broker behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const OUTPUT_KEEP = 256 * 1024;

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

export interface SpawnSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export class ManagedChild {
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private stdoutText = '';
  private stderrText = '';
  private readonly stdoutListeners: ((all: string) => void)[] = [];

  constructor(spec: SpawnSpec) {
    installExitHook();
    const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    this.exited = new Promise<ExitInfo>((res) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        res(this.exitInfo);
      });
      child.once('error', (err) => {
        live.delete(child);
        this.stderrText += `\n[compat] spawn error: ${err.message}\n`;
        this.exitInfo = { code: null, signal: null };
        res(this.exitInfo);
      });
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderrText = (this.stderrText + d).slice(-OUTPUT_KEEP);
    });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      this.stdoutText = (this.stdoutText + d).slice(-OUTPUT_KEEP);
      for (const fn of this.stdoutListeners) fn(this.stdoutText);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Undefined while the process runs. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Called with all stdout so far whenever more arrives. */
  onStdout(fn: (all: string) => void): void {
    this.stdoutListeners.push(fn);
  }

  /** Sends a signal without waiting (SIGSTOP/SIGCONT for pause tests). */
  signal(sig: NodeJS.Signals): void {
    if (this.exitInfo === undefined) this.child.kill(sig);
  }

  /** SIGKILL (kill -9), and wait for the exit. */
  async kill(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /**
   * SIGTERM, then wait (bounded) for the exit. A process that does not exit in time is SIGKILLed
   * and this rejects, so a hung shutdown is a failure, not a hang.
   */
  async stop(timeoutMs: number, what: string): Promise<ExitInfo> {
    if (this.exitInfo !== undefined) return this.exitInfo;
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((res) => {
      timer = setTimeout(() => res('timeout'), timeoutMs);
    });
    const r = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (r !== 'timeout') return r;
    await this.kill();
    throw new Error(`${what} did not exit within ${timeoutMs} ms of SIGTERM; SIGKILLed it\nstderr:\n${this.stderrText.slice(-8000)}`);
  }
}

/** Resolves when `ready` does, rejects when the process exits first or `timeoutMs` passes (then it is SIGKILLed). */
export async function awaitReady(child: ManagedChild, ready: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what} was not ready within ${timeoutMs} ms`)), timeoutMs);
  });
  const died = child.exited.then((info): never => {
    throw new Error(`${what} exited before it was ready (code ${info.code}, signal ${info.signal})`);
  });
  try {
    await Promise.race([ready, timeout, died]);
  } catch (e) {
    await child.kill();
    throw new Error(`${(e as Error).message}\nstdout:\n${child.stdout.slice(-4000)}\nstderr:\n${child.stderr.slice(-8000)}`);
  } finally {
    clearTimeout(timer);
  }
}
