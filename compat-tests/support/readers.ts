/**
 * Group-less readers: read a whole topic from the beginning to its end with a real client, without
 * consumer groups (Tributary has none yet). Used to check what other clients (kafkajs, kcat...)
 * wrote, and what survived a restart.
 */
import { assertRanOk, clientProblem, parseJsonLines, PYTHON, pythonScript, runProcess, type ClientName } from './helpers.js';

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  /** [name, value] pairs in wire order. */
  readonly headers: readonly (readonly [string, string | null])[];
  readonly timestamp: number;
}

interface KcatJson {
  partition: number;
  offset: number;
  ts: number;
  headers?: (string | null)[];
  key: string | null;
  payload: string | null;
}

/**
 * kcat -C from the beginning of every partition until the end (-e), no group. `-J` gives one JSON
 * object per record with partition, offset, key, payload, headers and timestamp.
 */
export async function readWithKcat(bootstrap: string, topic: string, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  const r = await runProcess('kcat', [
    '-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q',
    '-X', 'fetch.wait.max.ms=200',
  ], { timeoutMs });
  assertRanOk(r);
  return parseJsonLines<KcatJson>(r.stdout).map((j) => {
    const h = j.headers ?? [];
    const headers: [string, string | null][] = [];
    for (let i = 0; i + 1 < h.length; i += 2) headers.push([String(h[i]), h[i + 1] ?? null]);
    return { partition: j.partition, offset: j.offset, key: j.key, value: j.payload, headers, timestamp: j.ts };
  });
}

interface PyLine {
  type: string;
  partition?: number;
  offset?: number;
  key?: string | null;
  value?: string | null;
  headers?: [string, string | null][];
  timestamp?: number;
}

/** One of the Python drivers in support/python, `consume` command. */
export async function readWithPython(
  client: 'confluent-kafka-python' | 'kafka-python', bootstrap: string, topic: string, expect = 0, timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const script = pythonScript(client === 'kafka-python' ? 'kafka_python_client.py' : 'confluent_client.py');
  const r = await runProcess(PYTHON, [script, 'consume', JSON.stringify({
    bootstrap, topic, expect, timeout_s: Math.max(5, Math.floor(timeoutMs / 1000) - 5),
  })], { timeoutMs });
  assertRanOk(r);
  return parseJsonLines<PyLine>(r.stdout).filter((l) => l.type === 'record').map((l) => ({
    partition: l.partition ?? -1,
    offset: l.offset ?? -1,
    key: l.key ?? null,
    value: l.value ?? null,
    headers: l.headers ?? [],
    timestamp: l.timestamp ?? -1,
  }));
}

export interface Reader {
  readonly name: ClientName;
  read(bootstrap: string, topic: string, timeoutMs?: number): Promise<ConsumedRecord[]>;
}

/** The first usable group-less reader (kcat, then confluent-kafka-python, then kafka-python), or undefined. */
export function anyReader(): Reader | undefined {
  if (clientProblem('kcat') === null) return { name: 'kcat', read: readWithKcat };
  for (const name of ['confluent-kafka-python', 'kafka-python'] as const) {
    if (clientProblem(name) === null) {
      return { name, read: (b, t, ms) => readWithPython(name, b, t, 0, ms) };
    }
  }
  return undefined;
}

/** Records grouped by partition, each list in offset order as consumed. */
export function byPartition(records: readonly ConsumedRecord[]): Map<number, ConsumedRecord[]> {
  const m = new Map<number, ConsumedRecord[]>();
  for (const r of records) {
    let l = m.get(r.partition);
    if (l === undefined) m.set(r.partition, l = []);
    l.push(r);
  }
  return m;
}
