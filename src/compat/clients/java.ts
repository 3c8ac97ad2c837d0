/**
 * Kafka's own Java client (kafka-clients from Maven Central, the release in jvm/maven.ts), driven
 * through a small Java program in src/compat/java/ that speaks the command protocol of the Python
 * drivers (`ClientDriver <command> '<json args>'`, one JSON object per stdout line). The driver is
 * compiled with javac against the 'clients' classpath into the user's cache, in a folder named by a
 * hash of its sources and the classpath: an edited driver is compiled again, an unchanged one is not.
 *
 * Message i is key "key-<i>", value "value-<i>", headers [idx=<i>, src=java] and, when base_ts is
 * given, timestamp base_ts + i (as python.ts documents for its drivers).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { CompatEnv } from '../capability.js';
import { cacheRoot, cachedClasspath, fetchClasspath, INSTALL_HINT, javaCommand, KAFKA_VERSION } from '../jvm/maven.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { assertRanOk, parseJsonLines, runProcess, StreamingProcess, type RunResult } from '../process.js';
import type { ConsumedRecord, Delivered } from '../records.js';
import type { Detected } from './adapter.js';
import type { ProduceArgs, PythonHandle } from './python.js';

/** The driver's sources (not compiled by tsc: shipped through package.json "files"). */
export const JAVA_DRIVER_DIR = join(PACKAGE_ROOT, 'src', 'compat', 'java');
const MAIN_CLASS = 'ClientDriver';

export interface JavaHandle {
  readonly client: 'java';
  readonly version: string;
  readonly srcTag: 'java';
  /** The java command line before `<command> '<json>'`. */
  readonly argv: readonly string[];
  produce(env: CompatEnv, args: Omit<ProduceArgs, 'bootstrap'>, timeoutMs?: number): Promise<Delivered[]>;
  produceExpectingErrors(env: CompatEnv, args: Omit<ProduceArgs, 'bootstrap'>, timeoutMs?: number): Promise<{ delivered: Delivered[]; errors: string[]; codes: string[] }>;
  readAll(env: CompatEnv, topic: string, expect?: number, timeoutMs?: number): Promise<ConsumedRecord[]>;
  offsetsForTimes(env: CompatEnv, topic: string, timestamp: number): Promise<Map<number, number>>;
  /** Any driver command; returns its JSON lines (the driver must exit 0). */
  command<T>(env: CompatEnv, command: string, args: object, timeoutMs?: number): Promise<T[]>;
  /**
   * A command not bound to the cell's deadline or signal, for env.onCleanup steps (they run after
   * the cell's signal is aborted).
   */
  cleanupCommand(env: CompatEnv, command: string, args: object, timeoutMs?: number): Promise<RunResult>;
  /** A driver command left running (a consumer waiting for records). */
  spawn(env: CompatEnv, command: string, args: object): StreamingProcess;
  /** Log start offset and high watermark of partitions 0..partitions-1 (Admin.listOffsets earliest/latest). */
  offsets(env: CompatEnv, topic: string, partitions?: number): Promise<PartitionOffsets[]>;
  /** The Java client has every codec built in (snappy, lz4, zstd through its bundled native jars). */
  codecs(env: CompatEnv): Promise<Readonly<Record<string, boolean>>>;
}

export interface PartitionOffsets {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/** A handle the shared driver-protocol cells (written for confluent-kafka-python) can drive. */
export type DriverHandle = PythonHandle | JavaHandle;

interface Line {
  type: string;
  partition?: number;
  offset?: number;
  key?: string | null;
  value?: string | null;
  headers?: [string, string | null][];
  timestamp?: number;
  error?: string | null;
  code?: string;
}

/** The driver's own budget (timeout_s): a little under ours, so it reports its timeout before we SIGKILL it. */
function budgetS(timeoutMs: number): number {
  return Math.max(5, Math.floor(timeoutMs / 1000) - 5);
}

function delivered(lines: readonly Line[]): Delivered[] {
  return lines.filter((l) => l.type === 'delivered').map((l) => ({
    partition: l.partition ?? -1, offset: l.offset ?? -1, key: l.key ?? '', timestamp: l.timestamp ?? -1,
  }));
}

function makeHandle(version: string, argv: readonly string[]): JavaHandle {
  const run = (command: string, args: object, timeoutMs: number, signal?: AbortSignal): Promise<RunResult> =>
    runProcess(argv[0] ?? 'java', [...argv.slice(1), command, JSON.stringify(args)], { timeoutMs, signal });
  const lines = async (command: string, args: object, timeoutMs: number, signal?: AbortSignal): Promise<Line[]> => {
    const r = await run(command, args, timeoutMs, signal);
    assertRanOk(r);
    return parseJsonLines<Line>(r.stdout);
  };
  return {
    client: 'java', version, srcTag: 'java', argv,
    async produce(env, args, timeoutMs) {
      const ms = env.remainingMs(timeoutMs ?? 90_000);
      const out = await lines('produce', { ...args, bootstrap: env.bootstrap, timeout_s: budgetS(ms) }, ms, env.signal);
      const errors = out.filter((l) => l.type === 'delivery_error');
      assert.equal(errors.length, 0, `java delivery errors: ${JSON.stringify(errors.slice(0, 3))}`);
      return delivered(out);
    },
    async produceExpectingErrors(env, args, timeoutMs) {
      const ms = env.remainingMs(timeoutMs ?? 90_000);
      const r = await run('produce', { ...args, bootstrap: env.bootstrap, timeout_s: budgetS(ms) }, ms, env.signal);
      if (r.timedOut || (r.code !== 0 && r.code !== 1)) assertRanOk(r);
      const out = parseJsonLines<Line>(r.stdout);
      const errors = out.filter((l) => l.type === 'delivery_error');
      return { delivered: delivered(out), errors: errors.map((l) => l.error ?? ''), codes: errors.map((l) => l.code ?? '') };
    },
    async readAll(env, topic, expect = 0, timeoutMs) {
      const ms = env.remainingMs(timeoutMs ?? 60_000);
      const out = await lines('consume', { bootstrap: env.bootstrap, topic, expect, timeout_s: budgetS(ms) }, ms, env.signal);
      return out.filter((l) => l.type === 'record').map((l) => ({
        partition: l.partition ?? -1, offset: l.offset ?? -1, key: l.key ?? null, value: l.value ?? null,
        headers: l.headers ?? [], timestamp: l.timestamp ?? -1,
      }));
    },
    async offsetsForTimes(env, topic, timestamp) {
      const m = new Map<number, number>();
      for (const l of await lines('offsets_for_times', { bootstrap: env.bootstrap, topic, timestamp }, env.remainingMs(60_000), env.signal)) {
        if (l.type === 'offset') m.set(l.partition ?? -1, l.offset ?? -2);
      }
      return m;
    },
    command: async <T>(env: CompatEnv, command: string, args: object, timeoutMs?: number) =>
      (await lines(command, { bootstrap: env.bootstrap, ...args }, env.remainingMs(timeoutMs), env.signal)) as unknown as T[],
    cleanupCommand: (env, command, args, timeoutMs = 45_000) => run(command, { bootstrap: env.bootstrap, ...args }, timeoutMs),
    spawn(env, command, args) {
      const p = new StreamingProcess(argv[0] ?? 'java', [...argv.slice(1), command, JSON.stringify({ bootstrap: env.bootstrap, ...args })], { signal: env.signal });
      env.onCleanup(() => p.stop());
      return p;
    },
    async offsets(env, topic, partitions = 1) {
      const out = await lines('list_offsets', { bootstrap: env.bootstrap, topic, partitions }, env.remainingMs(60_000), env.signal);
      const l = out.find((x) => x.type === 'offsets') as { offsets?: PartitionOffsets[] } | undefined;
      assert.ok(l?.offsets !== undefined, `list_offsets printed no offsets: ${JSON.stringify(out)}`);
      return l.offsets;
    },
    codecs: () => Promise.resolve({ none: true, gzip: true, snappy: true, lz4: true, zstd: true }),
  };
}

function driverSources(): string[] {
  return readdirSync(JAVA_DRIVER_DIR).filter((f) => f.endsWith('.java')).sort();
}

/** Where the driver compiled from these sources against this classpath lives. */
function compiledDir(classpath: string): string {
  const h = createHash('sha256').update(`kafka-${KAFKA_VERSION}\n${classpath}\n`);
  for (const f of driverSources()) h.update(`${f}\n`).update(readFileSync(join(JAVA_DRIVER_DIR, f)));
  return join(cacheRoot(), 'java-driver', `kafka-${KAFKA_VERSION}-${h.digest('hex').slice(0, 16)}`);
}

function isCompiled(dir: string): boolean {
  return existsSync(join(dir, `${MAIN_CLASS}.class`));
}

/** javac into a fresh folder, then renamed into place: a concurrent run never sees half a driver. */
async function compile(classpath: string): Promise<string | undefined> {
  const dir = compiledDir(classpath);
  if (isCompiled(dir)) return undefined;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const r = await runProcess(javaCommand('javac'), ['-encoding', 'UTF-8', '-d', tmp, '-cp', classpath,
    ...driverSources().map((f) => join(JAVA_DRIVER_DIR, f))], { timeoutMs: 180_000 });
  if (r.code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const why = r.timedOut ? 'timed out' : (r.stdout + r.stderr).trim().split('\n').slice(0, 5).join(' | ');
    return `javac could not compile the Java driver (${JAVA_DRIVER_DIR}): ${why || `exit ${r.code}`}`;
  }
  try {
    renameSync(tmp, dir);
  } catch {
    // Another run renamed its identical build first.
    rmSync(tmp, { recursive: true, force: true });
  }
  return isCompiled(dir) ? undefined : `the compiled Java driver is missing from ${dir}`;
}

async function toolProblem(tool: 'java' | 'javac'): Promise<string | undefined> {
  const r = await runProcess(javaCommand(tool), ['-version'], { timeoutMs: 30_000 });
  if (r.code === 0) return undefined;
  const why = /spawn error: (.*)/.exec(r.stderr)?.[1] ?? (r.stderr.trim().split('\n').pop() || `exit ${r.code}`);
  return `${tool} is not usable (${why}): install a JDK 17+ (apt-get install openjdk-17-jdk-headless) or set JAVA_HOME`;
}

export async function detectJava(): Promise<Detected<JavaHandle>> {
  for (const tool of ['java', 'javac'] as const) {
    const p = await toolProblem(tool);
    if (p !== undefined) return { problem: p };
  }
  const cp = cachedClasspath('clients');
  if ('problem' in cp) return { problem: cp.problem };
  const dir = compiledDir(cp.classpath);
  if (!isCompiled(dir)) return { problem: `the Java driver is not compiled for these sources (${INSTALL_HINT})` };
  const argv = [javaCommand('java'), '-cp', [cp.classpath, dir].join(delimiter), MAIN_CLASS];
  const r = await runProcess(argv[0] ?? 'java', [...argv.slice(1), 'version', '{}'], { timeoutMs: 60_000 });
  const v = r.code === 0 ? parseJsonLines<{ version?: string }>(r.stdout)[0]?.version : undefined;
  if (v === undefined) return { problem: `the Java driver does not run: ${r.stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${r.code}`}` };
  return { handle: makeHandle(v, argv), version: v };
}

/** `--install-clients`: the kafka-clients jars from Maven Central, then the driver compiled against them. */
export async function prepareJava(): Promise<string | undefined> {
  const javac = await toolProblem('javac');
  if (javac !== undefined) return javac;
  const cp = await fetchClasspath('clients');
  if ('problem' in cp) return cp.problem;
  return compile(cp.classpath);
}
