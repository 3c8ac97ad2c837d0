/**
 * Running client processes (kcat, the Python drivers) the way a user runs them: a real process,
 * stdout/stderr captured, bounded by a timeout and by the cell's AbortSignal, so a hung client never
 * hangs a compatibility run.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** The system interpreter: Debian's python3-* packages import only there. */
export const PYTHON = '/usr/bin/python3';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly command: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  readonly input?: string | Buffer;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Aborting kills the process (SIGKILL); the result then says timedOut. */
  readonly signal?: AbortSignal;
}

export function commandLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

/** Runs a process to completion (SIGKILLed after timeoutMs), capturing stdout and stderr. */
export function runProcess(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const command = commandLine(cmd, args);
  return new Promise((res) => {
    const child = spawn(cmd, [...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const kill = (): void => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, timeoutMs);
    opts.signal?.addEventListener('abort', kill, { once: true });
    if (opts.signal?.aborted === true) kill();
    const finish = (code: number | null, signal: NodeJS.Signals | null, extraErr = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', kill);
      res({
        code, signal, timedOut, command,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extraErr,
      });
    };
    child.on('error', (e) => finish(null, null, `\n[compat] spawn error: ${e.message}`));
    child.on('close', (code, signal) => finish(code, signal));
    child.stdin.on('error', () => { /* the child may exit before reading all input */ });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Throws with the whole story unless the process exited 0 in time. */
export function assertRanOk(r: RunResult): void {
  if (r.code === 0 && !r.timedOut) return;
  throw new Error(
    `${r.command} ${r.timedOut ? 'timed out (SIGKILLed)' : `exited with code ${r.code} signal ${r.signal}`}\n` +
    `  stderr:\n${indent(r.stderr.slice(-4096))}\n  stdout (first 4 KB):\n${indent(r.stdout.slice(0, 4096))}`);
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}

/** Parses JSON lines (ignoring blank lines); a non-JSON line is an error naming it. */
export function parseJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    try {
      out.push(JSON.parse(t) as T);
    } catch {
      throw new Error(`not a JSON line: ${t.slice(0, 300)}`);
    }
  }
  return out;
}

/** A line a streaming process printed, with the time it arrived. */
export interface TimedLine {
  readonly line: string;
  readonly atMs: number;
}

/**
 * A long-running process whose stdout lines are observed as they arrive (a consumer waiting for a
 * record). Always stop() it (it is SIGKILLed); an abort of `signal` kills it too.
 */
export class StreamingProcess {
  readonly lines: TimedLine[] = [];
  private stderrText = '';
  private partial = '';
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private waiters: (() => void)[] = [];
  readonly command: string;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(cmd: string, args: readonly string[], opts: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {}) {
    this.command = commandLine(cmd, args);
    this.child = spawn(cmd, [...args], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    this.child.stdin.end();
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (d: string) => {
      const now = Date.now();
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') this.lines.push({ line: p, atMs: now });
      this.wake();
    });
    this.child.stderr.on('data', (d: string) => {
      this.stderrText = (this.stderrText + d).slice(-16_384);
    });
    this.child.on('error', (e) => {
      this.stderrText += `\n[compat] spawn error: ${e.message}`;
      this.exitInfo = { code: null, signal: null };
      this.wake();
    });
    this.child.on('close', (code, signal) => {
      if (this.partial.trim() !== '') this.lines.push({ line: this.partial, atMs: Date.now() });
      this.partial = '';
      this.exitInfo = { code, signal };
      this.wake();
    });
    opts.signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  get exited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** How it exited (undefined while it runs). */
  get exit(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  /** The tail of its stderr. */
  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves once it has exited (bounded: throws after timeoutMs). */
  async waitExit(timeoutMs: number): Promise<void> {
    await this.waitForLine('its exit', () => false, timeoutMs).catch((e: Error) => {
      if (this.exitInfo === undefined) throw e;
    });
  }

  /** Waits for the first line matching `match`; throws (with stderr) on exit or timeout. */
  async waitForLine(what: string, match: (line: string) => boolean, timeoutMs: number): Promise<TimedLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((l) => match(l.line));
      if (found !== undefined) return found;
      if (this.exitInfo !== undefined) {
        throw new Error(`${this.command} exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}) before ${what}\n` +
          `  stderr:\n${indent(this.stderrText)}\n  stdout:\n${indent(this.lines.map((l) => l.line).join('\n').slice(0, 4096))}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.command}: no ${what} within ${timeoutMs} ms\n  stderr:\n${indent(this.stderrText)}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  stop(): void {
    if (this.exitInfo === undefined) this.child.kill('SIGKILL');
  }

  /** SIGTERM (a driver then closes its client and exits) and wait for the exit; SIGKILL after timeoutMs, and throw. */
  async terminate(timeoutMs: number): Promise<void> {
    if (this.exitInfo === undefined) this.child.kill('SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (this.exitInfo === undefined) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.stop();
        throw new Error(`${this.command}: did not exit within ${timeoutMs} ms of SIGTERM\n  stderr:\n${indent(this.stderrText)}`);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }
}
