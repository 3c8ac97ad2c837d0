/**
 * Small helpers shared by the compat suites: deciding whether a Debian-packaged client is present
 * (skip locally, fail in CI), unique topic names, failure diagnostics. Running processes and
 * waiting live in src/compat/ (the `tributary compat` product uses them) and are re-exported here.
 */
import type { ControlledProcess } from './broker-process.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { BrokerProcess } from './broker-process.js';
import { PYTHON } from '../../src/compat/process.js';

export { assertRanOk, parseJsonLines, PYTHON, runProcess, type RunOptions, type RunResult } from '../../src/compat/process.js';
export { PYTHON_DIR, pythonScript } from '../../src/compat/package-root.js';
export { waitFor, withTimeout } from '../../src/compat/wait.js';

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

/**
 * For an afterEach hook: prints the broker log tail when the test just failed, so the failure
 * report shows what the node said.
 */
export function printBrokerLogOnFailure(ctx: Mocha.Context, broker: ControlledProcess | undefined, maxChars = 6000): void {
  if (broker === undefined || ctx.currentTest?.state !== 'failed') return;
  const log = broker.allStderr();
  console.log(`      [compat] broker ${broker.bootstrap} (pid ${broker.pid}, alive=${broker.alive}) log tail:\n` +
    log.slice(-maxChars).split('\n').map((l) => `        ${l}`).join('\n'));
}
