/**
 * Small helpers shared by the compat suites: running a client process with a timeout, deciding
 * whether a Debian-packaged client is present (skip locally, fail in CI), unique topic names.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrokerProcess } from './broker-process.js';

/** The system interpreter: Debian's python3-* packages import only there. */
export const PYTHON = '/usr/bin/python3';

/** compat-tests/support/python in the source tree (the .py files are not compiled). */
export const PYTHON_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'compat-tests', 'support', 'python');

export function pythonScript(name: string): string {
  return join(PYTHON_DIR, name);
}

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
}

/** Runs a process to completion (SIGKILLed after timeoutMs), capturing stdout and stderr. */
export function runProcess(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const command = [cmd, ...args].map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ');
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
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null, extraErr = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
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
    `${r.command}\n  ${r.timedOut ? 'timed out (SIGKILLed)' : `exited with code ${r.code} signal ${r.signal}`}\n` +
    `  stderr:\n${indent(r.stderr)}\n  stdout (first 4 KB):\n${indent(r.stdout.slice(0, 4096))}`);
}

function indent(s: string): string {
  return s.split('\n').map((l) => `    ${l}`).join('\n');
}

export type ClientName = 'kcat' | 'confluent-kafka-python' | 'kafka-python';

const DEBIAN_PACKAGE: Record<ClientName, string> = {
  'kcat': 'kcat',
  'confluent-kafka-python': 'python3-confluent-kafka',
  'kafka-python': 'python3-kafka',
};

const availability = new Map<ClientName, string | null>();

/** null when the client works here; otherwise why not. Cached. */
export function clientProblem(name: ClientName): string | null {
  const cached = availability.get(name);
  if (cached !== undefined) return cached;
  let problem: string | null = null;
  const probe = name === 'kcat'
    ? spawnSync('kcat', ['-V'], { encoding: 'utf8', timeout: 10_000 })
    : spawnSync(PYTHON, ['-c', name === 'kafka-python' ? 'import kafka' : 'import confluent_kafka'],
      { encoding: 'utf8', timeout: 20_000 });
  if (probe.error !== undefined) problem = probe.error.message;
  else if (probe.status !== 0) problem = (probe.stderr || probe.stdout || `exit ${probe.status}`).trim().split('\n').slice(-1)[0] ?? 'failed';
  availability.set(name, problem);
  return problem;
}

export function isCi(): boolean {
  return process.env['CI'] === 'true';
}

/**
 * For a suite's before(): skips the suite when the client is missing, except under CI=true where a
 * missing client is a failure (CI installs them all).
 */
export function requireClient(ctx: Mocha.Context, name: ClientName): void {
  const problem = clientProblem(name);
  if (problem === null) return;
  const msg = `${name} is not usable here (Debian package ${DEBIAN_PACKAGE[name]}): ${problem}`;
  if (isCi()) throw new Error(`${msg}; CI=true, so a missing client is a failure`);
  console.log(`      [compat] SKIP: ${msg}. Install it with: apt-get install -y ${DEBIAN_PACKAGE[name]}`);
  ctx.skip();
}

/** Same rule for an optional part of a test, when it needs one of several readers. */
export function skipOrFail(ctx: Mocha.Context, message: string): never {
  if (isCi()) throw new Error(`${message}; CI=true, so this is a failure`);
  console.log(`      [compat] SKIP: ${message}`);
  ctx.skip();
  throw new Error('unreachable: skip() throws');
}

let topicCounter = 0;
/** A topic name no other test (or earlier run on the same log dir) uses. */
export function uniqueTopic(prefix: string): string {
  topicCounter++;
  return `${prefix}-${Date.now().toString(36)}-${topicCounter}-${randomBytes(3).toString('hex')}`;
}

/** Polls until fn returns a truthy value (returned), or throws after timeoutMs with the last value/error. */
export async function waitFor<T>(
  what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Rejects if p does not settle within ms. */
export async function withTimeout<T>(what: string, p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For an afterEach hook: prints the broker log tail when the test just failed, so the failure
 * report shows what the node said.
 */
export function printBrokerLogOnFailure(ctx: Mocha.Context, broker: BrokerProcess | undefined, maxChars = 6000): void {
  if (broker === undefined || ctx.currentTest?.state !== 'failed') return;
  const log = broker.allStderr();
  console.log(`      [compat] broker ${broker.bootstrap} (pid ${broker.pid}, alive=${broker.alive}) log tail:\n` +
    log.slice(-maxChars).split('\n').map((l) => `        ${l}`).join('\n'));
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
