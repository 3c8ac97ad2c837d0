/**
 * A long-running JVM (a Kafka Streams app, a Connect worker, a reader) started the way its users
 * start it: `java -cp <classpath> <main class> args`. Its stdout lines are kept as they arrive,
 * stderr's tail is kept for failure reports; it can be stopped with SIGTERM (a clean shutdown,
 * waited for) or SIGKILL (a crash). An abort of the cell's signal kills it; so does the cell's
 * cleanup, so no JVM outlives its cell.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { CompatEnv } from '../capability.js';
import { javaCommand } from '../jvm/maven.js';
import { commandLine } from '../process.js';

export interface JvmOptions {
  readonly classpath: string;
  readonly mainClass: string;
  readonly args: readonly string[];
  /** JVM flags before the main class (heap …). */
  readonly jvmFlags?: readonly string[];
  readonly cwd?: string;
}

/** A small heap and a fast start: several JVMs share two cores in a compat run. */
export const JVM_FLAGS: readonly string[] = ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

export class JvmProcess {
  readonly lines: string[] = [];
  readonly command: string;
  private stderrTail = '';
  private partial = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;
  private waiters: (() => void)[] = [];
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(env: CompatEnv, opts: JvmOptions) {
    const args = [...(opts.jvmFlags ?? JVM_FLAGS), '-cp', opts.classpath, opts.mainClass, ...opts.args];
    this.command = commandLine(javaCommand(), [opts.mainClass, ...opts.args]);
    this.child = spawn(javaCommand(), args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd });
    this.child.stdin.end();
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') this.lines.push(p);
      this.wake();
    });
    this.child.stderr.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-8192);
    });
    this.exitPromise = new Promise((res) => {
      this.child.on('error', (e) => {
        this.stderrTail += `\n[compat] spawn error: ${e.message}`;
        this.exitInfo ??= { code: null, signal: null };
        this.wake();
        res();
      });
      this.child.on('close', (code, signal) => {
        if (this.partial.trim() !== '') this.lines.push(this.partial);
        this.partial = '';
        this.exitInfo = { code, signal };
        this.wake();
        res();
      });
    });
    env.signal.addEventListener('abort', () => this.kill(), { once: true });
    env.onCleanup(() => this.kill());
  }

  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  get exitCode(): number | null | undefined {
    return this.exitInfo?.code;
  }

  /** The stdout lines parsed as JSON (lines that are not JSON objects are skipped). */
  json<T extends object>(): T[] {
    const out: T[] = [];
    for (const l of this.lines) {
      if (!l.startsWith('{')) continue;
      try {
        out.push(JSON.parse(l) as T);
      } catch { /* a log line that happens to start with '{' */ }
    }
    return out;
  }

  /** What to show when something about this process goes wrong. */
  describe(): string {
    const exit = this.exitInfo === undefined ? 'running' : `exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal})`;
    return `${this.command}: ${exit}\n  stdout tail:\n${indent(this.lines.slice(-15).join('\n'))}\n  stderr tail:\n${indent(this.stderrTail.slice(-3000))}`;
  }

  /**
   * Waits until `done()` holds, re-checking whenever a stdout line arrives and every `pollMs` (for
   * conditions outside this process); throws with the process's story on exit or timeout.
   */
  async until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 1000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await done()) return;
      if (this.exitInfo !== undefined) throw new Error(`${what}: the process ended first\n${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: not within ${timeoutMs} ms\n${this.describe()}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, pollMs));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits for the process to end by itself (a reader that stops at the end offsets). */
  async waitExit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exitPromise.then(() => false),
      new Promise<boolean>((r) => { timer = setTimeout(() => r(true), timeoutMs); }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.kill();
      throw new Error(`did not exit within ${timeoutMs} ms (SIGKILLed)\n${this.describe()}`);
    }
    return this.exitInfo?.code ?? null;
  }

  /** A clean stop: SIGTERM runs the JVM's shutdown hooks (Streams close, Connect's worker stop). */
  async terminate(timeoutMs: number): Promise<number | null> {
    if (this.exitInfo === undefined) this.child.kill('SIGTERM');
    return this.waitExit(timeoutMs);
  }

  /** A crash: SIGKILL, no shutdown hook runs. Resolves when the process is gone. */
  async crash(): Promise<void> {
    this.kill();
    await this.exitPromise;
  }

  private kill(): void {
    if (this.exitInfo === undefined) this.child.kill('SIGKILL');
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}
