/**
 * A transaction left open past its transaction.timeout.ms is aborted by the coordinator (its
 * producer fenced): it stops holding back read_committed, committed data after it becomes
 * readable, and the stuck producer's commit fails with a fencing error. How soon depends on the
 * broker's transaction.abort.timed.out.transaction.cleanup.interval.ms, hence a broker the run
 * controls (500 ms there; Kafka's default is 10 s).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { errorTypes } from '../clients/kafkajs.js';
import { defineCapability } from '../capability.js';
import { FENCING_ERRORS, kafkajsReadIsolated, kafkajsTransactional, TXN_READ_APIS, values } from '../txn-steps.js';

export default defineCapability({
  id: 'txn-timeout',
  title: 'transactions: one left open past its timeout is aborted and stops holding back read_committed',
  order: 430,
  requires: TXN_READ_APIS,
  needsControlledBroker: 'transaction.abort.timed.out.transaction.cleanup.interval.ms=500 aborts a timed-out transaction within seconds',
  timeoutMs: 60_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('txn-timeout', { partitions: 3 });
      const s = kjs.session(env);
      const p = await kafkajsTransactional(env, s, env.topic('tx-timeout'), 2000);
      const t = await p.transaction();
      await t.send({ topic, messages: [{ value: 'stuck', partition: 0 }] });
      // Committed data after the stuck transaction is readable once it times out.
      const other = await kafkajsTransactional(env, s, env.topic('tx-other'));
      const ot = await other.transaction();
      await ot.send({ topic, messages: [{ value: 'later', partition: 0 }] });
      await ot.commit();
      const got = await kafkajsReadIsolated(env, s, topic, false, 1, 1000, 20_000);
      assert.deepEqual(values(got), ['later']);
      await assert.rejects(t.commit(), (e: unknown) => errorTypes(e).some((x) => FENCING_ERRORS.includes(x)));
    },

    async java(env, j) {
      const topic = await env.createTopic('txn-timeout', { partitions: 3 });
      const lines = await j.command<{ type: string; ok?: boolean; code?: string; error?: string; values?: string[] }>(env, 'txn_timeout', {
        topic, transactional_id: env.topic('tx-timeout'), other_id: env.topic('tx-other'), timeout_ms: 2000,
      });
      // Committed data after the stuck transaction is readable once it timed out (read_committed).
      assert.deepEqual(lines.find((l) => l.type === 'read')?.values, ['later'], JSON.stringify(lines));
      const stuck = lines.find((l) => l.type === 'stuck_commit');
      assert.equal(stuck?.ok, false, `the timed-out producer's commit must fail: ${JSON.stringify(lines)}`);
      // With transaction.version 1 the producer was fenced (its epoch bumped). Kafka 4.x with
      // transaction.version 2 (KIP-890, which the Java client uses when the broker finalizes it) has
      // completed the abort under a bumped epoch and answers the stale commit INVALID_TXN_STATE.
      assert.ok([...FENCING_ERRORS, 'INVALID_TXN_STATE'].includes(stuck.code ?? ''), `fencing (or, TV2, INVALID_TXN_STATE) expected, got ${stuck.code}: ${stuck.error}`);
    },

    async 'franz-go'(env, fgo) {
      const topic = await env.createTopic('txn-timeout', { partitions: 3 });
      const lines = await fgo.command<{ type: string; values?: [number, number, string][]; error?: string | null }>(env, 'txn_timeout', {
        topic, transactional_id: env.topic('tx-timeout'), name: env.topic('tx-other'), transaction_timeout_ms: 2000, timeout_s: 20,
      }, 50_000);
      assert.deepEqual(lines.find((l) => l.type === 'read')?.values?.map((v) => v[2]), ['later'], 'read_committed gets past the timed-out transaction');
      const commit = lines.find((l) => l.type === 'stuck_commit')?.error;
      // With transactions v2 (KIP-890, EndTxn v5+: Kafka 4.x) the coordinator's abort bumped the
      // epoch and remembers the old one: Kafka 4.3.1 answers the stale commit INVALID_TXN_STATE.
      // Before v5 the stale epoch is fenced.
      const v2 = (env.versions.get(ApiKey.EndTxn)?.max ?? 0) >= 5;
      const expected = v2 ? ['INVALID_TXN_STATE', 'PRODUCER_FENCED'] : FENCING_ERRORS;
      assert.ok(typeof commit === 'string' && expected.includes(commit), `the stuck producer's commit fails with ${expected.join(' or ')}, got ${commit}`);
    },
    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
