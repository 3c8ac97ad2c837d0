/**
 * Consumer offsets committed inside a transaction (sendOffsets / send_offsets_to_transaction,
 * AddOffsetsToTxn + TxnOffsetCommit): the group's committed offsets do not move while the
 * transaction is open, nor when it aborts; they move when it commits.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { kafkajsTransactional, TXN_APIS, TXN_OFFSET_APIS, type TxnLine } from '../txn-steps.js';
import { waitFor } from '../wait.js';

/**
 * The driver-protocol clients (confluent-kafka-python 1.x and 2.x, java, franz-go): txn_offsets aborts
 * then commits offsets sent in a transaction. confluent-kafka-python sends {0: 5, 1: 6} (aborted), then
 * {0: 8, 1: 9} (committed) with send_offsets_to_transaction; franz-go's GroupTransactSession consumes 8
 * and 9 records of partitions 0 and 1 and aborts, then commits, a transaction carrying those positions.
 */
async function driverCell(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('txn-offsets', { partitions: 3 });
  const group = env.group('eos');
  const lines = await py.command<TxnLine>(env, 'txn_offsets', { topic, group, transactional_id: env.topic('tx-off') });
  const results = lines.filter((l) => l.type === 'offsets');
  assert.equal(results.length, 2);
  assert.equal(results[0]?.committed_txn, false);
  assert.ok((results[0]?.offsets ?? []).every((o) => o < 0), `aborted: no committed offsets, got ${JSON.stringify(results[0]?.offsets)}`);
  if (JSON.stringify(results[1]?.offsets) === '[8,9]') return;
  // Apache Kafka 4 with transaction.version 2 answers EndTxn before the commit marker reaches
  // __consumer_offsets: the client may read the group's offsets a moment too early. They must
  // then show up, and only these.
  env.note(`the client read ${JSON.stringify(results[1]?.offsets)} right after the commit`);
  await waitFor('the committed offsets 8 and 9', async () => {
    const c = await env.committedOffsets(group, topic);
    return c.get(0) === 8 && c.get(1) === 9 && c.get(2) === -1;
  }, env.remainingMs(15_000), 200);
}

export default defineCapability({
  id: 'txn-send-offsets',
  title: 'transactions: offsets sent in a transaction move the group\'s commits only on commit',
  order: 410,
  requires: [...TXN_APIS, ...TXN_OFFSET_APIS, { api: ApiKey.OffsetFetch }],
  timeoutMs: 60_000,
  cells: {
    async kafkajs(env, kjs) {
      const topic = await env.createTopic('txn-offsets', { partitions: 3 });
      const groupId = env.group('eos');
      const s = kjs.session(env);
      const admin = await s.admin();
      const committedOffsets = async (): Promise<number[]> => {
        const [r] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return (r?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((x) => Number(x.offset));
      };
      const p = await kafkajsTransactional(env, s, env.topic('tx-offsets'));

      let t = await p.transaction();
      await t.send({ topic, messages: [{ value: 'x', partition: 0 }] });
      await t.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '6' }] }] });
      assert.deepEqual(await committedOffsets(), [-1, -1, -1], 'not visible while the transaction is open');
      await t.abort();
      assert.deepEqual(await committedOffsets(), [-1, -1, -1], 'an abort leaves them unchanged');

      t = await p.transaction();
      await t.send({ topic, messages: [{ value: 'y', partition: 0 }] });
      await t.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }, { partition: 2, offset: '3' }] }] });
      await t.commit();
      assert.deepEqual(await committedOffsets(), [7, -1, 3], 'a commit applies them');
    },

    'confluent-kafka-python': driverCell,
    java: driverCell,
    'franz-go': driverCell,
    'confluent-kafka-python-2': driverCell,

    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
