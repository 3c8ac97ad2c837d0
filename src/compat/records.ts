/**
 * What a client read back, in one shape whatever the client, and the checks that compare it with
 * what was written. Message i written by the compat drivers is: key "key-<i>", value "value-<i>",
 * headers [idx=<i>, src=<client tag>] and, when a base timestamp is given, timestamp base + i.
 */
import assert from 'node:assert/strict';

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  /** [name, value] pairs in wire order. */
  readonly headers: readonly (readonly [string, string | null])[];
  readonly timestamp: number;
}

/** Where the producing client says a message landed. */
export interface Delivered {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly timestamp: number;
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

/** The i of "key-<i>", or throws. */
export function keyIndex(key: string | null): number {
  const idx = Number(/^key-(\d+)$/.exec(key ?? '')?.[1]);
  assert.ok(Number.isInteger(idx), `unexpected key ${JSON.stringify(key)}`);
  return idx;
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
      const idx = keyIndex(r.key);
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

/**
 * Asserts that `records` hold message 0..n-1 exactly once each, offsets dense from 0 per partition,
 * in send order per partition, with the value/headers `expect(i)` gives.
 */
export function assertAllInOrder(
  records: readonly ConsumedRecord[], n: number,
  expect: (i: number) => { value: string; headers: readonly (readonly [string, string | null])[]; timestamp?: number },
): Map<number, ConsumedRecord[]> {
  assert.equal(records.length, n, `read ${records.length} of ${n} records`);
  const seen = new Set<number>();
  const parts = byPartition(records);
  for (const [partition, list] of parts) {
    let prev = -1;
    list.forEach((r, pos) => {
      assert.equal(r.offset, pos, `partition ${partition}: offsets dense from 0`);
      const idx = keyIndex(r.key);
      const e = expect(idx);
      assert.equal(r.value, e.value, `value of key-${idx}`);
      assert.deepEqual(r.headers, e.headers, `headers of key-${idx}`);
      if (e.timestamp !== undefined) assert.equal(r.timestamp, e.timestamp, `timestamp of key-${idx}`);
      assert.ok(idx > prev, `partition ${partition}: key-${idx} after key-${prev} (send order broken)`);
      assert.ok(!seen.has(idx), `key-${idx} read twice`);
      seen.add(idx);
      prev = idx;
    });
  }
  assert.equal(seen.size, n);
  return parts;
}
