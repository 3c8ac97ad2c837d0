/** Assertions and small steps several capabilities share. */
import assert from 'node:assert/strict';
import { NotRunError, type ClientId, type CompatEnv } from './capability.js';
import { anyReader } from './clients/index.js';
import { describeError, errorTypes } from './clients/kafkajs.js';
import type { ConsumedRecord } from './records.js';
import { withTimeout } from './wait.js';

/** Awaits p and asserts it rejects with a kafkajs error of `type` (somewhere in its causes). */
export async function expectRejectType(env: CompatEnv, what: string, p: Promise<unknown>, type: string): Promise<void> {
  let err: unknown;
  try {
    await withTimeout(what, p, env.remainingMs(45_000));
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `${what}: expected a ${type} error, but it succeeded`);
  const types = errorTypes(err);
  assert.ok(types.includes(type), `${what}: expected error type ${type}, got ${describeError(err)}`);
}

export function sumHigh(offsets: readonly { high: string }[]): number {
  return offsets.reduce((s, o) => s + Number(o.high), 0);
}

/**
 * Reads a whole topic with another client than `writer` (kcat, else a Python client). No reader at
 * all: NotRunError (the row then says so instead of passing on offsets alone).
 */
export async function readBack(env: CompatEnv, writer: ClientId, topic: string, expect: number, timeoutMs = 60_000): Promise<{ reader: ClientId; records: ConsumedRecord[] }> {
  const reader = anyReader(env, writer);
  if (reader === undefined) {
    throw new NotRunError('no group-less reader (kcat, confluent-kafka-python, kafka-python) installed to read the records back');
  }
  const records = await reader.read(topic, expect, env.remainingMs(timeoutMs));
  return { reader: reader.name, records };
}

/** One broker/topic view, whatever client reported it. */
export interface ClusterView {
  readonly clusterId?: string | null;
  /** undefined: the client does not report it. */
  readonly controllerId?: number | null;
  readonly brokers: readonly { readonly id: number; readonly host: string; readonly port: number }[];
  readonly partitions: readonly { readonly id: number; readonly leader: number; readonly replicas: readonly number[]; readonly isrs: readonly number[] }[];
}

/**
 * What every client must see of the cluster and of a topic it asked about (created with
 * `partitions` partitions). Against the broker the run started: exactly that one node (its id, its
 * address, its cluster id) leading every partition alone.
 */
export function assertClusterView(env: CompatEnv, view: ClusterView, partitions: number): void {
  const ids = view.brokers.map((b) => b.id);
  assert.ok(view.brokers.length >= 1, 'no brokers in metadata');
  assert.equal(new Set(ids).size, ids.length, `broker ids repeat: ${ids.join(',')}`);
  for (const b of view.brokers) assert.ok(b.host !== '' && b.port > 0, `broker ${b.id} has no address: ${JSON.stringify(b)}`);
  if (view.controllerId !== undefined && view.controllerId !== null && view.controllerId >= 0) {
    assert.ok(ids.includes(view.controllerId), `controller ${view.controllerId} is not one of the brokers ${ids.join(',')}`);
  }
  assert.deepEqual(view.partitions.map((p) => p.id).sort((a, b) => a - b), Array.from({ length: partitions }, (_, i) => i), 'partition ids');
  for (const p of view.partitions) {
    assert.ok(ids.includes(p.leader), `partition ${p.id}: leader ${p.leader} is not a broker`);
    assert.ok(p.replicas.includes(p.leader), `partition ${p.id}: leader ${p.leader} not among replicas ${p.replicas.join(',')}`);
    assert.ok(p.isrs.includes(p.leader), `partition ${p.id}: leader ${p.leader} not in ISR ${p.isrs.join(',')}`);
    for (const r of p.isrs) assert.ok(p.replicas.includes(r), `partition ${p.id}: ISR member ${r} is not a replica`);
  }
  const c = env.controlled;
  if (c === undefined) return;
  assert.deepEqual(view.brokers.map((b) => [b.id, `${b.host}:${b.port}`]), [[c.nodeId, env.bootstrap]], 'the one node, at the bootstrap address');
  if (view.controllerId !== undefined && view.controllerId !== null) assert.equal(view.controllerId, c.nodeId, 'controller');
  if (view.clusterId !== undefined && view.clusterId !== null && c.clusterId !== '') assert.equal(view.clusterId, c.clusterId, 'cluster id');
  for (const p of view.partitions) {
    assert.equal(p.leader, c.nodeId, `partition ${p.id} leader`);
    assert.deepEqual(p.replicas, [c.nodeId], `partition ${p.id} replicas`);
    assert.deepEqual(p.isrs, [c.nodeId], `partition ${p.id} ISR`);
  }
}
