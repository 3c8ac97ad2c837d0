/**
 * Steps the cluster rows share (leader-failover-produce-consume, leader-failover-transactions): the
 * cluster a cell runs against, killing the node that leads a partition or coordinates a
 * transactional id, the nodes' logs for a failure report, and the checks of what was read back.
 */
import assert from 'node:assert/strict';
import type { CompatEnv, ControlledCluster } from './capability.js';

/** kafkajs retries that outlast a failover (the killed node is fenced after broker.session.timeout.ms). */
export const FAILOVER_RETRY = { retries: 30, initialRetryTime: 200, maxRetryTime: 1_000 } as const;

/**
 * kafkajs refreshes metadata after a failed fetch only for some errors: a refused connection to the
 * dead leader is retried until the metadata is metadataMaxAge old (5 minutes by default, against
 * any broker). An application that rides out a failover sets it low.
 */
export const FAILOVER_METADATA_MAX_AGE_MS = 1_000;

/** env.cluster, with the nodes' log tails noted for a failure report. */
export function clusterOf(env: CompatEnv): ControlledCluster {
  const c = env.cluster;
  assert.ok(c !== undefined, 'a cluster row runs only against the cluster the run starts for it');
  env.onCleanup(() => {
    for (const n of c.nodes) {
      const tail = n.output().trim().split('\n').slice(-15).join('\n    ');
      if (tail !== '') env.note(`[node ${n.id}${n.alive ? '' : ', not running'}] output tail:\n    ${tail}`);
    }
  });
  return c;
}

/** SIGKILLs the leader of `topic`'s partition 0; returns its node id. */
export async function killLeader(env: CompatEnv, c: ControlledCluster, topic: string): Promise<number> {
  const id = await c.leaderOf(topic, 0);
  env.note(`[failover] killing node ${id}, leader of ${topic}-0 (+${Date.now() % 100_000} ms)`);
  await c.node(id).kill();
  return id;
}

/** SIGKILLs the transaction coordinator of `transactionalId`; returns its node id. */
export async function killTransactionCoordinator(env: CompatEnv, c: ControlledCluster, transactionalId: string): Promise<number> {
  const id = await c.transactionCoordinator(transactionalId);
  env.note(`[failover] killing node ${id}, transaction coordinator of ${transactionalId}`);
  await c.node(id).kill();
  return id;
}

/**
 * Read back from partition 0: exactly `values`, each at one offset, in that order. A group consumer
 * may be handed a record again at the same offset (its coordinator moved with the killed node and it
 * went back to the group's last committed offset: at-least-once delivery, as Kafka documents it);
 * that is noted, and the check is of what the log holds: every record once, nothing else, in order.
 */
export function assertOnceInOrder(env: CompatEnv, all: readonly { offset: number; value: string | null }[], values: readonly string[], what: string): void {
  const got: { offset: number; value: string | null }[] = [];
  const at = new Map<number, string | null>();
  let again = 0;
  for (const g of all) {
    if (!at.has(g.offset)) {
      at.set(g.offset, g.value);
      got.push(g);
      continue;
    }
    assert.equal(g.value, at.get(g.offset), `${what}: offset ${g.offset} read twice with different records`);
    again++;
  }
  if (again > 0) env.note(`[failover] ${what}: ${again} records delivered again at the same offset (the group went back to its committed offset)`);
  const seen = new Map<string, number>();
  for (const g of got) seen.set(g.value ?? '', (seen.get(g.value ?? '') ?? 0) + 1);
  // With its offsets: the same offset twice is the consumer reading again, two offsets are two writes.
  const dups = [...seen].filter(([, k]) => k > 1).map(([v]) => `${v}@${got.filter((g) => g.value === v).map((g) => g.offset).join('/')}`);
  assert.deepEqual(dups.slice(0, 10), [], `${what}: no record consumed twice (${dups.length} were)`);
  const missing = values.filter((v) => !seen.has(v));
  assert.deepEqual(missing.slice(0, 10), [], `${what}: every acknowledged record consumed (${missing.length} missing)`);
  assert.equal(got.length, values.length, `${what}: nothing but the acknowledged records`);
  const inOrder = [...got].sort((a, b) => a.offset - b.offset).map((g) => g.value);
  assert.deepEqual(inOrder, [...values], `${what}: in the order they were sent`);
  assert.deepEqual(got.map((g) => g.value), [...values], `${what}: first delivered to the consumer in offset order`);
}

/** How many distinct offsets a consumer was handed (records delivered again count once). */
export function distinctOffsets(got: readonly { offset: number }[]): number {
  return new Set(got.map((g) => g.offset)).size;
}
