/**
 * What a fault run checks, read from its workload children's lines (workload-child.ts): the
 * producer's `ack`/`fail` lines, a reader's `rec` lines, a group consumer's `commit` lines. Shared
 * by the one-node and the cluster runs, which make the same promise:
 *
 *   - every acknowledged record is read back, exactly once, in the producer's order per partition;
 *   - the offsets a consumer group commits never go backwards, and reach the end of every partition
 *     once nothing more is written.
 */
import assert from 'node:assert/strict';
import type { NsChild } from './ns-child.js';

/** Partition `partition` acknowledged seqs first..first+count-1. */
export interface AckedRange {
  readonly partition: number;
  readonly first: number;
  readonly count: number;
}

/** How many sends were acknowledged (progress: each is a partition's batch). */
export function countAcks(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) if (l.startsWith('ack ')) n++;
  return n;
}

/** How many sends each partition had acknowledged (partition → count). */
export function acksPerPartition(lines: readonly string[], partitions: number): number[] {
  const n = Array.from({ length: partitions }, () => 0);
  for (const l of lines) {
    if (!l.startsWith('ack ')) continue;
    const p = Number(l.split(' ')[1]);
    n[p] = (n[p] ?? 0) + 1;
  }
  return n;
}

/** The producer's `ack <partition> <first> <count>` lines. */
export function ackedRanges(lines: readonly string[]): AckedRange[] {
  return lines.filter((l) => l.startsWith('ack ')).map((l) => {
    const [, partition, first, count] = l.split(' ');
    return { partition: Number(partition), first: Number(first), count: Number(count) };
  });
}

/** How many records were acknowledged. */
export function ackedWrites(lines: readonly string[]): number {
  return ackedRanges(lines).reduce((n, r) => n + r.count, 0);
}

/** partition → the seqs read, in offset order. */
export function readValues(lines: readonly string[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const l of lines) {
    if (!l.startsWith('rec ')) continue;
    const [, partition, , value] = l.split(' ');
    const [p, seq] = (value ?? '').split(':');
    assert.equal(p, partition, `record ${value} read from partition ${partition}`);
    let list = out.get(Number(partition));
    if (list === undefined) out.set(Number(partition), (list = []));
    list.push(Number(seq));
  }
  return out;
}

/** In order (seq strictly increasing: no duplicate, no reordering) and every acknowledged seq present. */
export function checkPartition(p: number, seqs: readonly number[], acked: readonly AckedRange[]): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.ok((seqs[i] ?? 0) > (seqs[i - 1] ?? 0), `partition ${p}: seq ${seqs[i]} follows ${seqs[i - 1]} (a duplicate or out of order)`);
  }
  const present = new Set(seqs);
  for (const r of acked) {
    if (r.partition !== p) continue;
    for (let s = r.first; s < r.first + r.count; s++) assert.ok(present.has(s), `partition ${p}: acknowledged record ${p}:${s} is missing`);
  }
}

/**
 * The group's commits, as its client reported them, never go backwards, and (bounded wait) reach
 * the end of every partition once nothing more is written. Stops the group child. Returns a line
 * for the log.
 */
export async function checkGroup(group: NsChild, read: ReadonlyMap<number, readonly number[]>, catchUpMs = 60_000): Promise<string> {
  const ends = new Map([...read].map(([p, seqs]) => [p, seqs.length]));
  const caughtUp = (): boolean => [...ends].every(([p, end]) => lastCommit(group.lines, p) >= end);
  const since = Date.now();
  while (group.running && !caughtUp() && Date.now() - since < catchUpMs) await sleep(200);
  group.terminate();
  await group.exited;
  const last = new Map<number, number>();
  for (const l of group.lines) {
    if (!l.startsWith('commit ')) continue;
    const [, p, o] = l.split(' ').map(Number) as [number, number, number];
    assert.ok(o >= (last.get(p) ?? -1), `group commit for partition ${p} went back from ${last.get(p)} to ${o}`);
    last.set(p, o);
  }
  const commits = group.lines.filter((l) => l.startsWith('commit ')).length;
  for (const [p, end] of ends) assert.equal(last.get(p), end, `the group's last commit on partition ${p}: ${commits} commits, last ${JSON.stringify([...last])} (${group.stderr})`);
  return `the group committed ${commits} times, last offsets ${JSON.stringify([...last])}`;
}

/**
 * What the cluster stored for the group (an `offsets` watcher's `stored` lines) never went
 * backwards on any partition (kafkajs reports "no committed offset" as -1: a stored offset that
 * disappears goes backwards too). Stops the watcher. Returns a line for the log.
 */
export async function checkStoredOffsets(watcher: NsChild): Promise<string> {
  watcher.terminate();
  assert.equal(await watcher.exited, 0, `offsets watcher failed: ${watcher.stderr}`);
  const last = new Map<number, number>();
  let changes = 0;
  for (const l of watcher.lines) {
    if (!l.startsWith('stored ')) continue;
    const [, p, o] = l.split(' ').map(Number) as [number, number, number];
    assert.ok(o >= (last.get(p) ?? -1), `the offset stored for partition ${p} went back from ${last.get(p)} to ${o}`);
    last.set(p, o);
    changes++;
  }
  assert.ok(changes > 0, `the offsets watcher saw no stored offset (${watcher.stderr})`);
  const failedFetches = (watcher.stderr.match(/offset fetch failed/g) ?? []).length;
  return `the stored group offsets changed ${changes} times, never backwards (last ${JSON.stringify([...last])}; ${failedFetches}${failedFetches > 0 ? '+' : ''} fetches failed during faults)`;
}

function lastCommit(lines: readonly string[], partition: number): number {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    if (l.startsWith(`commit ${partition} `)) return Number(l.split(' ')[2]);
  }
  return -1;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
