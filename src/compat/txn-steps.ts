/**
 * Steps the transaction rows share (transactions, txn-send-offsets, txn-fencing, txn-timeout,
 * exactly-once, exactly-once-restart, idempotent-producer-restart): the APIs a transactional client
 * needs, kafkajs transactional producers and an isolation-level reader, the JSON lines of the
 * confluent-kafka-python transaction commands, and the exactly-once loop with its check.
 */
import assert from 'node:assert/strict';
import type { Producer } from 'kafkajs';
import { ApiKey } from '../protocol/generated/api-keys.js';
import type { ApiRequirement, CompatEnv } from './capability.js';
import type { KafkajsSession } from './clients/kafkajs.js';
import type { DriverHandle } from './clients/java.js';
import { GROUP_APIS, KAFKAJS_GROUP_CONSUMER } from './group-steps.js';
import { sleep, waitFor } from './wait.js';

/** A transactional producer: InitProducerId with a transactional id, partitions added, markers written by EndTxn. */
export const TXN_APIS: readonly ApiRequirement[] = [
  { api: ApiKey.InitProducerId }, { api: ApiKey.AddPartitionsToTxn }, { api: ApiKey.EndTxn },
  { api: ApiKey.FindCoordinator, minVersion: 1 },
  // Transactional batches need the v2 record format (Produce v3+); isolation.level is in Fetch v4+.
  { api: ApiKey.Produce, minVersion: 3 }, { api: ApiKey.Fetch, minVersion: 4 },
];

/** Offsets committed inside a transaction (sendOffsets / send_offsets_to_transaction). */
export const TXN_OFFSET_APIS: readonly ApiRequirement[] = [{ api: ApiKey.AddOffsetsToTxn }, { api: ApiKey.TxnOffsetCommit }];

/** Transactions read back through a consumer group (kafkajs and the confluent driver's txn_read subscribe). */
export const TXN_READ_APIS: readonly ApiRequirement[] = [...TXN_APIS, ...GROUP_APIS];

export interface Got {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/** Values, sorted. */
export function values(got: readonly { readonly value: string }[]): string[] {
  return got.map((g) => g.value).sort();
}

/** Every kafkajs fencing error type: PRODUCER_FENCED (InitProducerId v4+ era) or INVALID_PRODUCER_EPOCH. */
export const FENCING_ERRORS: readonly string[] = ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED'];

/** A connected kafkajs transactional producer (disconnected after the cell). */
export async function kafkajsTransactional(env: CompatEnv, s: KafkajsSession, transactionalId: string, transactionTimeout = 60_000): Promise<Producer> {
  const p = s.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
  env.onCleanup(() => p.disconnect().catch(() => undefined));
  await p.connect();
  return p;
}

/**
 * Reads `topic` from the beginning with a fresh kafkajs group consumer (read_committed unless
 * readUncommitted) until `expected` records arrived and `quietMs` passed without more.
 */
export async function kafkajsReadIsolated(
  env: CompatEnv, s: KafkajsSession, topic: string, readUncommitted: boolean, expected: number, quietMs = 1500, timeoutMs = 30_000,
): Promise<Got[]> {
  const consumer = await s.consumer({ groupId: env.group('reader'), readUncommitted, ...KAFKAJS_GROUP_CONSUMER, maxWaitTimeInMs: 200 });
  const got: Got[] = [];
  let last = Date.now();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({ partition, offset: Number(message.offset), value: message.value?.toString() ?? '' });
        last = Date.now();
      },
    });
    const started = Date.now();
    const limit = env.remainingMs(timeoutMs);
    while (Date.now() - started < limit) {
      if (got.length >= expected && Date.now() - last >= quietMs) break;
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
  }
  return got;
}

/** A line of the confluent driver's transaction commands. */
export interface TxnLine {
  readonly type: string;
  readonly count?: number;
  readonly values?: [number, number, string][];
  readonly offsets?: number[];
  readonly committed_txn?: boolean;
  readonly done?: number;
  readonly commits?: number;
  readonly aborts?: number;
  readonly failures?: string[];
}

export function one(lines: readonly TxnLine[], type: string): TxnLine {
  const l = lines.find((x) => x.type === type);
  assert.ok(l, `no "${type}" line in ${JSON.stringify(lines).slice(0, 500)}`);
  return l;
}

/** Every input "<p>:<i>" exactly once as "out-<p>:<i>", on partition p, in order of i. */
export function assertExactlyOnceInOrder(got: readonly [number, number, string][], perPartition: readonly number[]): void {
  for (let p = 0; p < perPartition.length; p++) {
    const list = got.filter((v) => v[0] === p).sort((a, b) => a[1] - b[1]).map((v) => v[2]);
    const expected = Array.from({ length: perPartition[p] ?? 0 }, (_, i) => `out-${p}:${i}`);
    if (list.length !== expected.length || list.some((v, i) => v !== expected[i])) {
      const firstBad = list.findIndex((v, i) => v !== expected[i]);
      assert.fail(`partition ${p}: ${list.length} records, expected ${expected.length}; first difference at ${firstBad}: ${list[firstBad]} vs ${expected[firstBad]}`);
    }
  }
}

const EOS_PARTITIONS = 3;
const EOS_SESSION_TIMEOUT_MS = 10_000;

/**
 * The exactly-once consume-transform-produce loop of confluent-kafka-python over `records` input
 * records ("<p>:<i>", written by an idempotent producer): while it runs, `faults` times the broker is
 * killed with SIGKILL and started again (env.restart). The output, read with read_committed, holds
 * every input exactly once as "out-<p>:<i>", in input order per partition.
 */
export async function runExactlyOnce(env: CompatEnv, py: DriverHandle, records: number, faults: number): Promise<void> {
  const input = await env.createTopic('eos-in', { partitions: EOS_PARTITIONS });
  const output = await env.createTopic('eos-out', { partitions: EOS_PARTITIONS });
  const produced = one(await py.command<TxnLine>(env, 'txn_produce', { topic: input, partitions: EOS_PARTITIONS, count: records }, 120_000), 'produced');
  assert.deepEqual(produced.failures, []);
  const perPartition = Array.from({ length: EOS_PARTITIONS }, (_, p) => Math.floor(records / EOS_PARTITIONS) + (p < records % EOS_PARTITIONS ? 1 : 0));

  const group = env.group('eos');
  const loop = py.spawn(env, 'eos', {
    input, output, group, transactional_id: env.topic('eos-tx'), expected: records, transaction_timeout_ms: 6000,
    session_timeout_ms: EOS_SESSION_TIMEOUT_MS,
  });
  env.onCleanup(() => {
    // Where the loop was, for a failure report (a timeout says nothing else).
    if (loop.lines.some((l) => l.line.includes('"eos-done"'))) return;
    const t0 = loop.lines[0]?.atMs ?? Date.now();
    env.note(`[eos] the loop's last lines (of ${loop.lines.length}; +ms since its first):\n` +
      loop.lines.slice(-12).map((l) => `  +${l.atMs - t0} ${l.line}`).join('\n'));
  });
  env.onCleanup(async () => {
    // A member the coordinator knew before a kill -9 (and that the consumer no longer uses) stays
    // until its session expires; the group can be deleted only once it is empty.
    const d = await env.describeGroup(group);
    if (d.state === 'Empty' || d.state === 'Dead') return;
    env.note(`[eos] group ${group} after the loop: ${JSON.stringify(d)}`);
    await waitFor('the eos group to be empty', async () => ['Empty', 'Dead'].includes((await env.describeGroup(group)).state), EOS_SESSION_TIMEOUT_MS + 15_000, 500);
  });
  const parse = (line: string): TxnLine | undefined => {
    try {
      return JSON.parse(line) as TxnLine;
    } catch {
      return undefined;
    }
  };
  // The loop runs 50,000 records in seconds: the kills follow its progress, not the clock, and all
  // fall in the first half of the input (1/8, 2/8, 3/8 with three faults), so the loop cannot race
  // past the last threshold to its end while a restart is still under way.
  let kills = 0;
  for (let i = 0; i < faults; i++) {
    const threshold = Math.floor((records * (i + 1)) / (2 * (faults + 1)));
    await loop.waitForLine(`progress past ${threshold} records`, (l) => {
      const j = parse(l);
      return j !== undefined && (j.type === 'eos-done' || (j.type === 'progress' && (j.done ?? 0) >= threshold));
    }, env.remainingMs());
    if (loop.lines.some((l) => parse(l.line)?.type === 'eos-done')) break;
    assert.ok(env.restart !== undefined, 'no restart hook');
    await env.restart({ kill: true });
    kills++;
  }
  await loop.waitForLine('the loop\'s end (eos-done)', (l) => parse(l)?.type === 'eos-done', env.remainingMs());
  const lines = loop.lines.map((l) => parse(l.line)).filter((l): l is TxnLine => l !== undefined);
  const done = one(lines, 'eos-done');
  assert.equal(done.done, records);
  assert.equal(kills, faults, 'every kill happened while the loop was running');
  env.note(`[eos] ${records} records: ${done.commits} transactions committed, ${done.aborts} aborted/retried, ${kills} broker kills`);

  const read = one(await py.command<TxnLine>(env, 'txn_read', {
    topic: output, isolation: 'read_committed', expected: records, group: env.group('verify'), timeout: 120, quiet: 2,
  }, 200_000), 'read');
  assertExactlyOnceInOrder(read.values ?? [], perPartition);
}
