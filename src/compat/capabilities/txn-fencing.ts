/**
 * Zombie fencing: a second producer with the same transactional.id (its InitProducerId bumps the
 * epoch) fences the first; the zombie's open transaction is aborted and its next write or commit
 * fails with a fencing error (PRODUCER_FENCED / INVALID_PRODUCER_EPOCH); the new producer commits.
 */
import assert from 'node:assert/strict';
import { errorTypes } from '../clients/kafkajs.js';
import { defineCapability } from '../capability.js';
import { FENCING_ERRORS, kafkajsReadIsolated, kafkajsTransactional, one, TXN_READ_APIS, values, type TxnLine } from '../txn-steps.js';

export default defineCapability({
  id: 'txn-fencing',
  title: 'transactions: a second producer with the same transactional.id fences the first',
  order: 420,
  requires: TXN_READ_APIS,
  timeoutMs: 60_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('txn-fence', { partitions: 3 });
      const s = kjs.session(env);
      const id = env.topic('tx-fence');
      const zombie = await kafkajsTransactional(env, s, id);
      const zt = await zombie.transaction();
      await zt.send({ topic, messages: [{ value: 'zombie-1', partition: 0 }] });

      const fresh = await kafkajsTransactional(env, s, id);
      // kafkajs initialises the transactional producer id when the first transaction begins: that
      // InitProducerId fences the zombie.
      const ft = await fresh.transaction();
      // The zombie can neither write nor commit any more.
      let fenced: unknown;
      try {
        await zt.send({ topic, messages: [{ value: 'zombie-2', partition: 1 }] });
        await zt.commit();
      } catch (e) {
        fenced = e;
      }
      assert.ok(fenced !== undefined, 'the fenced producer must fail');
      const types = errorTypes(fenced);
      assert.ok(types.some((x) => FENCING_ERRORS.includes(x)), `fencing error expected, got ${types.join(', ')}`);

      await ft.send({ topic, messages: [{ value: 'fresh-1', partition: 0 }] });
      await ft.commit();
      const got = await kafkajsReadIsolated(env, s, topic, false, 1);
      assert.deepEqual(values(got), ['fresh-1']);
    },

    async java(env, j) {
      const topic = await env.createTopic('txn-fence', { partitions: 3 });
      const lines = await j.command<TxnLine & { ok?: boolean; code?: string; error?: string }>(env, 'txn_fence', { topic, transactional_id: env.topic('tx-fence') });
      const zombie = lines.find((l) => l.type === 'zombie');
      assert.equal(zombie?.ok, false, `the fenced producer must fail: ${JSON.stringify(lines)}`);
      assert.ok(FENCING_ERRORS.includes(zombie.code ?? ''), `fencing error expected, got ${zombie.code}: ${zombie.error}`);
      assert.equal(lines.find((l) => l.type === 'fresh')?.ok, true);
      const read = one(await j.command<TxnLine>(env, 'txn_read', { topic, isolation: 'read_committed', expected: 1, group: env.group('rc') }), 'read');
      assert.deepEqual((read.values ?? []).map((v) => v[2]), ['fresh-1']);
    },

    async 'franz-go'(env, fgo) {
      const topic = await env.createTopic('txn-fence', { partitions: 3 });
      const lines = await fgo.command<{ type: string; produce_error?: string | null; commit_error?: string | null; error?: string | null }>(
        env, 'txn_fence', { topic, transactional_id: env.topic('tx-fence') });
      const zombie = lines.find((l) => l.type === 'zombie');
      // The zombie fails on its write or, at the latest, on its commit; a fencing error either way.
      const errors = [zombie?.produce_error, zombie?.commit_error].filter((e): e is string => typeof e === 'string');
      assert.ok(zombie?.commit_error !== null && errors.some((e) => FENCING_ERRORS.includes(e)), `the fenced producer must fail with a fencing error: ${JSON.stringify(zombie)}`);
      assert.equal(lines.find((l) => l.type === 'fresh')?.error, null, 'the new producer commits');
      const read = one(await fgo.command<TxnLine>(env, 'txn_read', { topic, isolation: 'read_committed', expected: 1, group: env.group('rc') }), 'read');
      assert.deepEqual((read.values ?? []).map((v) => v[2]), ['fresh-1']);
    },
    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
