/**
 * The Python clients (confluent-kafka-python on librdkafka, and pure-Python kafka-python), driven
 * through small scripts in src/compat/python/ run with an interpreter: the system one for Debian's
 * packages (python3-* import only under /usr/bin/python3), a virtualenv's for confluent-kafka from
 * PyPI (clients/confluent-pypi.ts). Each script command prints one JSON object per line.
 *
 * The handle speaks a command protocol, not Python: `<driver> <command> '<json args>'`. The Go
 * driver of franz-go (clients/franz-go.ts) speaks the same one, so its handle is made here too and
 * cells written for these commands drive either.
 *
 * Message i is always: key "key-<i>", value "value-<i>", headers [idx=<i>, src=<client tag>] and,
 * when base_ts is given, timestamp base_ts + i.
 */
import assert from 'node:assert/strict';
import type { CompatEnv } from '../capability.js';
import { pythonScript } from '../package-root.js';
import { assertRanOk, parseJsonLines, PYTHON, runProcess, StreamingProcess, type RunResult } from '../process.js';
import type { ConsumedRecord, Delivered } from '../records.js';
import type { Detected } from './adapter.js';

export type PythonClient = 'confluent-kafka-python' | 'confluent-kafka-python-2' | 'kafka-python';

/** Every client driven through a driver program that speaks the command protocol above. */
export type DriverClient = PythonClient | 'franz-go';

/** How a client's driver is started: `program ...args <command> '<json args>'`. */
export interface Driver {
  readonly client: DriverClient;
  readonly program: string;
  readonly args: readonly string[];
}

/** A Python client's driver: its script run by `interpreter`. */
export function pythonDriver(client: PythonClient, interpreter = PYTHON): Driver {
  return { client, program: interpreter, args: [scriptOf(client)] };
}

export function scriptOf(client: PythonClient): string {
  return pythonScript(client === 'kafka-python' ? 'kafka_python_client.py' : 'confluent_client.py');
}

/** The `src` header value each driver writes. */
export function srcTag(client: DriverClient): string {
  return client === 'kafka-python' || client === 'franz-go' ? client : 'confluent';
}

export interface ProduceArgs {
  readonly bootstrap: string;
  readonly topic: string;
  readonly count: number;
  readonly base_ts?: number;
  readonly partitions?: number;
  readonly compression?: string;
  readonly acks?: number | string;
  readonly start?: number;
  /** Pad every value to this many bytes (value-<i> then 'x'…); used for oversized messages. */
  readonly value_bytes?: number;
  /** An idempotent producer (confluent-kafka-python: enable.idempotence=True). */
  readonly idempotence?: boolean;
  /** Largest batch in bytes (batch.size / batch_size): keeps batches below a topic's small segment.bytes. */
  readonly batch_bytes?: number;
}

interface Line {
  type: string;
  partition?: number;
  offset?: number;
  key?: string | null;
  value?: string | null;
  headers?: [string, string | null][];
  timestamp?: number;
  error?: string | null;
}

/** Runs `script command json` (bounded), checks it exited 0, returns its JSON lines. */
async function runScript(d: Driver, command: string, args: object, timeoutMs: number, signal?: AbortSignal): Promise<Line[]> {
  const r = await runProcess(d.program, [...d.args, command, JSON.stringify(args)], { timeoutMs, signal });
  assertRanOk(r);
  return parseJsonLines<Line>(r.stdout);
}

/** Python's own budget: a little under ours, so it reports its timeout before we SIGKILL it. */
function pyBudgetS(timeoutMs: number): number {
  return Math.max(5, Math.floor(timeoutMs / 1000) - 5);
}

export async function pyProduce(d: Driver, args: ProduceArgs, timeoutMs = 90_000, signal?: AbortSignal): Promise<Delivered[]> {
  const lines = await runScript(d, 'produce', { ...args, timeout_s: pyBudgetS(timeoutMs) }, timeoutMs, signal);
  const errors = lines.filter((l) => l.type === 'delivery_error');
  assert.equal(errors.length, 0, `${d.client} delivery errors: ${JSON.stringify(errors.slice(0, 3))}`);
  return lines.filter((l) => l.type === 'delivered').map((l) => ({
    partition: l.partition ?? -1, offset: l.offset ?? -1, key: l.key ?? '', timestamp: l.timestamp ?? -1,
  }));
}

/** Like pyProduce, but returns the delivery errors instead of failing on them (the script exits 1 then). */
export async function pyProduceExpectingErrors(d: Driver, args: ProduceArgs, timeoutMs: number, signal?: AbortSignal): Promise<{ delivered: Delivered[]; errors: string[]; run: RunResult }> {
  const r = await runProcess(d.program, [...d.args, 'produce', JSON.stringify({ ...args, timeout_s: pyBudgetS(timeoutMs) })], { timeoutMs, signal });
  if (r.timedOut || (r.code !== 0 && r.code !== 1)) assertRanOk(r);
  const lines = parseJsonLines<Line>(r.stdout);
  return {
    delivered: lines.filter((l) => l.type === 'delivered').map((l) => ({
      partition: l.partition ?? -1, offset: l.offset ?? -1, key: l.key ?? '', timestamp: l.timestamp ?? -1,
    })),
    errors: lines.filter((l) => l.type === 'delivery_error').map((l) => l.error ?? ''),
    run: r,
  };
}

/** The `consume` command: assign every partition from the beginning, read to the end (and >= expect). */
export function readWithPython(
  client: PythonClient, bootstrap: string, topic: string, expect = 0, timeoutMs = 60_000, signal?: AbortSignal,
): Promise<ConsumedRecord[]> {
  return readWithDriver(pythonDriver(client), bootstrap, topic, expect, timeoutMs, signal);
}

async function readWithDriver(
  d: Driver, bootstrap: string, topic: string, expect: number, timeoutMs: number, signal?: AbortSignal,
): Promise<ConsumedRecord[]> {
  const lines = await runScript(d, 'consume', { bootstrap, topic, expect, timeout_s: pyBudgetS(timeoutMs) }, timeoutMs, signal);
  return lines.filter((l) => l.type === 'record').map((l) => ({
    partition: l.partition ?? -1,
    offset: l.offset ?? -1,
    key: l.key ?? null,
    value: l.value ?? null,
    headers: l.headers ?? [],
    timestamp: l.timestamp ?? -1,
  }));
}

/** offsets_for_times for every partition: partition → offset (-1: no record at or after the time). */
export async function pyOffsetsForTimes(
  bootstrap: string, topic: string, timestamp: number, d: Driver = pythonDriver('confluent-kafka-python'), timeoutMs = 60_000, signal?: AbortSignal,
): Promise<Map<number, number>> {
  const m = new Map<number, number>();
  for (const l of await runScript(d, 'offsets_for_times', { bootstrap, topic, timestamp }, timeoutMs, signal)) {
    if (l.type !== 'offset') continue;
    assert.equal(l.error ?? null, null, `offsets_for_times error on partition ${l.partition}: ${l.error}`);
    m.set(l.partition ?? -1, l.offset ?? -2);
  }
  return m;
}

export interface PythonHandle {
  readonly client: DriverClient;
  readonly version: string;
  readonly script: string;
  readonly srcTag: string;
  produce(env: CompatEnv, args: Omit<ProduceArgs, 'bootstrap'>, timeoutMs?: number): Promise<Delivered[]>;
  produceExpectingErrors(env: CompatEnv, args: Omit<ProduceArgs, 'bootstrap'>, timeoutMs?: number): Promise<{ delivered: Delivered[]; errors: string[] }>;
  readAll(env: CompatEnv, topic: string, expect?: number, timeoutMs?: number): Promise<ConsumedRecord[]>;
  offsetsForTimes(env: CompatEnv, topic: string, timestamp: number): Promise<Map<number, number>>;
  /** Any script command; returns its JSON lines (the script must exit 0). */
  command<T>(env: CompatEnv, command: string, args: object, timeoutMs?: number): Promise<T[]>;
  /** A script command left running (a consumer waiting for records). */
  spawn(env: CompatEnv, command: string, args: object): StreamingProcess;
  /** Which compression codecs the client can use here (kafka-python needs optional modules). */
  codecs(env: CompatEnv): Promise<Readonly<Record<string, boolean>>>;
}

/** A handle over any driver of the command protocol (a Python script, the franz-go binary). */
export function makeDriverHandle(d: Driver, version: string): PythonHandle {
  let codecs: Promise<Record<string, boolean>> | undefined;
  return {
    client: d.client, version, script: d.args[0] ?? d.program, srcTag: srcTag(d.client),
    produce: (env, args, timeoutMs) => pyProduce(d, { ...args, bootstrap: env.bootstrap }, env.remainingMs(timeoutMs), env.signal),
    produceExpectingErrors: (env, args, timeoutMs) => pyProduceExpectingErrors(d, { ...args, bootstrap: env.bootstrap }, env.remainingMs(timeoutMs), env.signal),
    readAll: (env, topic, expect = 0, timeoutMs) => readWithDriver(d, env.bootstrap, topic, expect, env.remainingMs(timeoutMs), env.signal),
    offsetsForTimes: (env, topic, timestamp) => pyOffsetsForTimes(env.bootstrap, topic, timestamp, d, env.remainingMs(60_000), env.signal),
    command: async <T>(env: CompatEnv, command: string, args: object, timeoutMs?: number) =>
      (await runScript(d, command, { bootstrap: env.bootstrap, ...args }, env.remainingMs(timeoutMs), env.signal)) as unknown as T[],
    spawn: (env, command, args) => {
      const p = new StreamingProcess(d.program, [...d.args, command, JSON.stringify({ bootstrap: env.bootstrap, ...args })], { signal: env.signal });
      env.onCleanup(() => p.stop());
      return p;
    },
    codecs(env) {
      // librdkafka and franz-go have every codec built in; kafka-python needs optional modules.
      if (d.client !== 'kafka-python') return Promise.resolve({ none: true, gzip: true, snappy: true, lz4: true, zstd: true });
      codecs ??= runScript(d, 'codecs', {}, env.remainingMs(30_000))
        .then((l) => ({ none: true, ...((l[0] as unknown as Record<string, boolean> | undefined) ?? {}) }));
      return codecs;
    },
  };
}

// confluent-kafka 2.x's version() is a string, 1.x's a (string, int) tuple.
const CONFLUENT_PROBE = 'import json, confluent_kafka as c; v = c.version(); print(json.dumps([v if isinstance(v, str) else v[0], c.libversion()[0]]))';

const PROBE: Record<PythonClient, string> = {
  'confluent-kafka-python': CONFLUENT_PROBE,
  'confluent-kafka-python-2': CONFLUENT_PROBE,
  'kafka-python': 'import json, kafka; print(json.dumps([kafka.__version__]))',
};

const DEBIAN_PACKAGE: Record<'confluent-kafka-python' | 'kafka-python', string> = {
  'confluent-kafka-python': 'python3-confluent-kafka',
  'kafka-python': 'python3-kafka',
};

export function debianPackage(client: 'confluent-kafka-python' | 'kafka-python'): string {
  return DEBIAN_PACKAGE[client];
}

/** Whether `client` imports under `interpreter` (the system one by default), and its version. */
export async function detectPython(client: PythonClient, interpreter = PYTHON): Promise<Detected<PythonHandle>> {
  const r = await runProcess(interpreter, ['-c', PROBE[client]], { timeoutMs: 20_000 });
  if (r.code !== 0) {
    const why = /spawn error: (.*)/.exec(r.stderr)?.[1] ?? (r.stderr.trim().split('\n').pop() || `exit ${r.code}`);
    return { problem: `${client} does not import under ${interpreter}: ${why}` };
  }
  const [v, lib] = JSON.parse(r.stdout.trim()) as [string, string?];
  return { handle: makeDriverHandle(pythonDriver(client, interpreter), v), version: lib === undefined ? v : `${v} (librdkafka ${lib})` };
}
