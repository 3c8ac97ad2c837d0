/**
 * The Streams row's output as a read_committed reader sees it, and the exactly-once checks on it:
 * every count's last value equals the true count and its committed values only ever grow (a count
 * that went back or repeated is input processed twice, or output of an aborted transaction read),
 * and every enriched click is there exactly once.
 */
import assert from 'node:assert/strict';
import type { Expected, StreamsTopics } from './input.js';

/** A record as CommittedReader prints it. */
export interface OutRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

interface KeyHistory {
  readonly partition: number;
  readonly values: string[];
}

/** The output topics' records taken in as they are read, per key in offset order. */
export class OutputView {
  readonly wordCounts = new Map<string, KeyHistory>();
  readonly windowCounts = new Map<string, KeyHistory>();
  /** Enriched value → the keys it was read with (one per copy). */
  readonly enriched = new Map<string, string[]>();
  records = 0;
  private readonly problems: string[] = [];

  constructor(private readonly topics: StreamsTopics) {}

  add(r: OutRecord): void {
    this.records++;
    if (r.topic === this.topics.enriched) {
      const keys = this.enriched.get(r.value ?? '') ?? [];
      keys.push(r.key ?? '');
      this.enriched.set(r.value ?? '', keys);
      return;
    }
    const m = r.topic === this.topics.wordCounts ? this.wordCounts : r.topic === this.topics.windowCounts ? this.windowCounts : undefined;
    if (m === undefined) return;
    const key = r.key ?? '';
    let h = m.get(key);
    if (h === undefined) m.set(key, h = { partition: r.partition, values: [] });
    if (h.partition !== r.partition && this.problems.length < 5) this.problems.push(`${r.topic}: key ${key} in partitions ${h.partition} and ${r.partition}`);
    h.values.push(r.value ?? '');
  }

  /** Every count reached (or passed) its true value and every enriched click is there. */
  reached(e: Expected): boolean {
    const counted = (m: ReadonlyMap<string, KeyHistory>, want: ReadonlyMap<string, number>): boolean =>
      [...want].every(([k, n]) => Number(m.get(k)?.values.at(-1) ?? 0) >= n);
    return counted(this.wordCounts, e.wordCounts) && counted(this.windowCounts, e.windowCounts)
      && [...e.enriched.keys()].every((v) => this.enriched.has(v));
  }

  /** A one-line account, for notes and failures. */
  summary(e: Expected): string {
    const short = (m: ReadonlyMap<string, KeyHistory>, want: ReadonlyMap<string, number>): number =>
      [...want].filter(([k, n]) => Number(m.get(k)?.values.at(-1) ?? 0) < n).length;
    return `${this.records} records read; keys short of their count: words ${short(this.wordCounts, e.wordCounts)}/${e.wordCounts.size}, ` +
      `windows ${short(this.windowCounts, e.windowCounts)}/${e.windowCounts.size}; enriched clicks ${this.enriched.size}/${e.enriched.size}`;
  }

  /** The exactly-once assertions. */
  assertExact(e: Expected): void {
    assert.deepEqual(this.problems, [], 'each key of a count topic lives in one partition');
    assertCounts('word counts', this.wordCounts, e.wordCounts);
    assertCounts('windowed counts', this.windowCounts, e.windowCounts);
    const missing = [...e.enriched.keys()].filter((v) => !this.enriched.has(v));
    const extra = [...this.enriched.keys()].filter((v) => !e.enriched.has(v));
    const twice = [...this.enriched].filter(([, keys]) => keys.length > 1);
    assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5), twice: twice.slice(0, 5) },
      { missing: [], extra: [], twice: [] },
      `stream-table join: ${missing.length} clicks missing, ${extra.length} unexpected, ${twice.length} read more than once`);
    const wrongKey = [...this.enriched].filter(([v, keys]) => keys[0] !== e.enriched.get(v));
    assert.deepEqual(wrongKey.slice(0, 5), [], 'each enriched click keyed by its user');
  }
}

function assertCounts(what: string, got: ReadonlyMap<string, KeyHistory>, want: ReadonlyMap<string, number>): void {
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, { missing: [], extra: [] },
    `${what}: ${missing.length} keys missing, ${extra.length} unexpected keys`);
  const wrong: string[] = [];
  for (const [k, n] of want) {
    const values = got.get(k)?.values ?? [];
    const nums = values.map(Number);
    const growing = nums.every((v, i) => Number.isInteger(v) && (i === 0 || v > (nums[i - 1] ?? 0)));
    if (!growing || nums.at(-1) !== n) wrong.push(`${k}: true count ${n}, committed values ${values.slice(-8).join(',')}`);
  }
  assert.deepEqual(wrong.slice(0, 8), [], `${what}: ${wrong.length} of ${want.size} keys are not exact (last value = true count, values only growing)`);
}
