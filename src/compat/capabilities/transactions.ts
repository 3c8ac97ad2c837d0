/**
 * Transactions (KIP-98): a transactional producer commits and aborts; a read_committed consumer sees
 * exactly the committed records, a read_uncommitted one every record (aborted ones too); a
 * transaction still open is invisible to read_committed until it commits.
 */
import assert from 'node:assert/strict';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { kafkajsReadIsolated, kafkajsTransactional, one, TXN_READ_APIS, values, type TxnLine } from '../txn-steps.js';

const PARTITIONS = 3;

/** The driver-protocol clients (confluent-kafka-python, java): txn_commit_abort, then read_committed and read_uncommitted reads. */
async function driverCell(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('txn', { partitions: PARTITIONS });
  // init_transactions, then 'c-*' committed, 'a-*' aborted, 'd-*' committed.
  const txns = await py.command<TxnLine>(env, 'txn_commit_abort', { topic, transactional_id: env.topic('tx') });
  assert.deepEqual(txns.filter((l) => l.type === 'txn').length, 3);
  const committed = one(await py.command<TxnLine>(env, 'txn_read', { topic, isolation: 'read_committed', expected: 20, group: env.group('rc') }), 'read');
  assert.deepEqual((committed.values ?? []).map((v) => v[2]).sort(), [...Array.from({ length: 10 }, (_, i) => `c-${i}`), ...Array.from({ length: 10 }, (_, i) => `d-${i}`)].sort());
  const all = one(await py.command<TxnLine>(env, 'txn_read', { topic, isolation: 'read_uncommitted', expected: 30, group: env.group('ru') }), 'read');
  assert.equal(all.count, 30);
  assert.equal((all.values ?? []).filter((v) => v[2].startsWith('a-')).length, 10);
}

export default defineCapability({
  id: 'transactions',
  title: 'transactions: commit and abort; read_committed vs read_uncommitted; an open transaction is invisible',
  order: 400,
  requires: TXN_READ_APIS,
  timeoutMs: 90_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('txn', { partitions: PARTITIONS });
      const s = kjs.session(env);
      const p = await kafkajsTransactional(env, s, env.topic('tx'));
      const msgs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}`, partition: i % PARTITIONS }));

      let t = await p.transaction();
      await t.send({ topic, messages: msgs('committed', 30) });
      await t.commit();
      t = await p.transaction();
      await t.send({ topic, messages: msgs('aborted', 20) });
      await t.abort();
      t = await p.transaction();
      await t.send({ topic, messages: msgs('open', 10) });

      // While `open` is uncommitted: read_committed sees the 30 committed only.
      const during = await kafkajsReadIsolated(env, s, topic, false, 30);
      assert.deepEqual(values(during), values(msgs('committed', 30)));

      await t.commit();
      const committed = await kafkajsReadIsolated(env, s, topic, false, 40);
      assert.equal(committed.length, 40, `read_committed got ${committed.length}`);
      assert.ok(committed.every((g) => !g.value.startsWith('aborted')), 'no aborted record is visible to read_committed');
      assert.deepEqual(values(committed), [...msgs('committed', 30), ...msgs('open', 10)].map((m) => m.value).sort());

      const all = await kafkajsReadIsolated(env, s, topic, true, 60);
      assert.equal(all.length, 60, `read_uncommitted got ${all.length}`);
      assert.equal(all.filter((g) => g.value.startsWith('aborted')).length, 20);
    },

    'confluent-kafka-python': driverCell,
    java: driverCell,

    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
