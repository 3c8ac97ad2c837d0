/**
 * kcat (librdkafka's command-line client), run as a process exactly as people run it. Consumers are
 * group-less (-C without -G) unless a capability says otherwise.
 */
import type { CompatEnv } from '../capability.js';
import { assertRanOk, parseJsonLines, runProcess, type RunResult } from '../process.js';
import type { ConsumedRecord } from '../records.js';
import type { Detected } from './adapter.js';

export const KCAT = 'kcat';

export interface KcatHandle {
  readonly version: string;
  /** Runs kcat with `args` (bounded by env's deadline and signal). */
  run(env: CompatEnv, args: readonly string[], opts?: { input?: string | Buffer; timeoutMs?: number }): Promise<RunResult>;
  /** kcat -C from the beginning of every partition until the end (-e), no group, -J records. */
  readAll(env: CompatEnv, topic: string, timeoutMs?: number): Promise<ConsumedRecord[]>;
}

interface KcatJson {
  partition: number;
  offset: number;
  ts: number;
  headers?: (string | null)[];
  key: string | null;
  payload: string | null;
}

/** A kcat -J line as a ConsumedRecord. */
export function kcatRecord(j: KcatJson): ConsumedRecord {
  const h = j.headers ?? [];
  const headers: [string, string | null][] = [];
  for (let i = 0; i + 1 < h.length; i += 2) headers.push([String(h[i]), h[i + 1] ?? null]);
  return { partition: j.partition, offset: j.offset, key: j.key, value: j.payload, headers, timestamp: j.ts };
}

/** The group-less whole-topic read, usable without a CompatEnv (compat-tests support). */
export async function readWithKcat(bootstrap: string, topic: string, timeoutMs = 60_000, signal?: AbortSignal): Promise<ConsumedRecord[]> {
  const r = await runProcess(KCAT, [
    '-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q',
    '-X', 'fetch.wait.max.ms=200',
  ], { timeoutMs, signal });
  assertRanOk(r);
  return parseJsonLines<KcatJson>(r.stdout).map(kcatRecord);
}

const handle = (version: string): KcatHandle => ({
  version,
  run(env, args, opts = {}) {
    return runProcess(KCAT, args, { input: opts.input, timeoutMs: env.remainingMs(opts.timeoutMs), signal: env.signal });
  },
  readAll(env, topic, timeoutMs) {
    return readWithKcat(env.bootstrap, topic, env.remainingMs(timeoutMs), env.signal);
  },
});

export async function detectKcat(): Promise<Detected<KcatHandle>> {
  const r = await runProcess(KCAT, ['-V'], { timeoutMs: 10_000 });
  if (r.code !== 0) {
    const why = /spawn error: (.*)/.exec(r.stderr)?.[1] ?? (r.stderr.trim().split('\n').pop() || `exit ${r.code}`);
    return { problem: `kcat is not usable here: ${why}` };
  }
  // "Version 1.7.1 (JSON, …, librdkafka 2.0.2 builtin.features=…)"
  const kcat = /Version (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  const lib = /librdkafka (\S+)/.exec(r.stdout)?.[1];
  return { handle: handle(kcat), version: lib === undefined ? kcat : `${kcat} (librdkafka ${lib})` };
}
