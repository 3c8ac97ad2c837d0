/**
 * Runs the Python drivers (support/python/*.py) with /usr/bin/python3 and parses their JSON lines.
 * Message i is always: key "key-<i>", value "value-<i>", headers [idx=<i>, src=<client tag>] and,
 * when base_ts is given, timestamp base_ts + i.
 */
import assert from 'node:assert/strict';
import { assertRanOk, parseJsonLines, PYTHON, pythonScript, runProcess } from './helpers.js';
import { byPartition, type ConsumedRecord } from './readers.js';

export type PythonClient = 'confluent-kafka-python' | 'kafka-python';

export function scriptOf(client: PythonClient): string {
  return pythonScript(client === 'kafka-python' ? 'kafka_python_client.py' : 'confluent_client.py');
}

/** The `src` header value each driver writes. */
export function srcTag(client: PythonClient): string {
  return client === 'kafka-python' ? 'kafka-python' : 'confluent';
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
}

export interface Delivered {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly timestamp: number;
}

interface Line { type: string; partition?: number; offset?: number; key?: string; timestamp?: number; error?: string | null }

export async function pyProduce(client: PythonClient, args: ProduceArgs, timeoutMs = 90_000): Promise<Delivered[]> {
  const r = await runProcess(PYTHON, [scriptOf(client), 'produce', JSON.stringify({ ...args, timeout_s: Math.floor(timeoutMs / 1000) - 10 })], { timeoutMs });
  assertRanOk(r);
  const lines = parseJsonLines<Line>(r.stdout);
  const errors = lines.filter((l) => l.type === 'delivery_error');
  assert.equal(errors.length, 0, `${client} delivery errors: ${JSON.stringify(errors.slice(0, 3))}`);
  return lines.filter((l) => l.type === 'delivered').map((l) => ({
    partition: l.partition ?? -1, offset: l.offset ?? -1, key: l.key ?? '', timestamp: l.timestamp ?? -1,
  }));
}

export async function pyOffsetsForTimes(bootstrap: string, topic: string, timestamp: number): Promise<Map<number, number>> {
  const r = await runProcess(PYTHON, [scriptOf('confluent-kafka-python'), 'offsets_for_times', JSON.stringify({ bootstrap, topic, timestamp })], { timeoutMs: 60_000 });
  assertRanOk(r);
  const m = new Map<number, number>();
  for (const l of parseJsonLines<Line>(r.stdout)) {
    if (l.type !== 'offset') continue;
    assert.equal(l.error ?? null, null, `offsets_for_times error on partition ${l.partition}: ${l.error}`);
    m.set(l.partition ?? -1, l.offset ?? -2);
  }
  return m;
}

/**
 * Asserts that `records` are exactly the `delivered` messages: same (partition, offset) for each key,
 * dense offsets from 0 per partition, value, headers and (when given) timestamps intact.
 */
export function assertSameAsDelivered(
  records: readonly ConsumedRecord[], delivered: readonly Delivered[], opts: { src: string; baseTs?: number },
): void {
  assert.equal(records.length, delivered.length, `read ${records.length} records, ${delivered.length} were delivered`);
  const where = new Map<string, Delivered>();
  for (const d of delivered) where.set(d.key, d);
  const seen = new Set<string>();
  for (const [partition, list] of byPartition(records)) {
    list.forEach((r, pos) => {
      assert.equal(r.offset, pos, `partition ${partition}: offsets dense from 0`);
      const key = r.key ?? '';
      const idx = Number(/^key-(\d+)$/.exec(key)?.[1]);
      assert.ok(Number.isInteger(idx), `unexpected key ${JSON.stringify(r.key)}`);
      assert.ok(!seen.has(key), `${key} read twice`);
      seen.add(key);
      const d = where.get(key);
      assert.ok(d !== undefined, `${key} was read but never delivered`);
      assert.deepEqual([r.partition, r.offset], [d.partition, d.offset], `${key}: read at ${r.partition}/${r.offset}, delivered at ${d.partition}/${d.offset}`);
      assert.equal(r.value, `value-${idx}`, `value of ${key}`);
      assert.deepEqual(r.headers, [['idx', String(idx)], ['src', opts.src]], `headers of ${key}`);
      if (opts.baseTs !== undefined) assert.equal(r.timestamp, opts.baseTs + idx, `timestamp of ${key}`);
    });
  }
  assert.equal(seen.size, delivered.length);
}
