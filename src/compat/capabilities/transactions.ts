/**
 * Transactions (KIP-98): a transactional producer commits and aborts; a read_committed consumer sees
 * exactly the committed records, a read_uncommitted one every record (aborted ones too); a
 * transaction still open is invisible to read_committed until it commits.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, NotRunError, type CompatEnv } from '../capability.js';
import type { KafkaCliHandle } from '../clients/kafka-cli.js';
import { consoleConsume, toolOk } from '../kafka-cli-steps.js';
import type { DriverHandle } from '../clients/java.js';
import { kafkajsReadIsolated, kafkajsTransactional, one, TXN_READ_APIS, values, type TxnLine } from '../txn-steps.js';

const PARTITIONS = 3;

/** A kafka-transactions table (tab-separated, a header line first) as one record per row, keyed by the header's names. */
async function transactionsTable(env: CompatEnv, cli: KafkaCliHandle, args: readonly string[]): Promise<Record<string, string>[]> {
  const r = await toolOk(env, cli, 'kafka-transactions', ['--bootstrap-server', env.bootstrap, ...args], { timeoutMs: 30_000 });
  const [header, ...rows] = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t').map((c) => c.trim()));
  assert.ok(header !== undefined, `kafka-transactions ${args.join(' ')} printed nothing`);
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

/**
 * kafkajs runs the transactions (the console producer has no transactional mode); kafka-transactions
 * list / describe / describe-producers show them, and the console consumer reads them with
 * --isolation-level read_committed and read_uncommitted.
 */
async function kafkaCli(env: CompatEnv, cli: KafkaCliHandle): Promise<void> {
  const kjs = env.client('kafkajs');
  if (kjs === undefined) throw new NotRunError('kafkajs (npm install kafkajs) runs the transactions the tools show, and it is absent');
  for (const api of [ApiKey.ListTransactions, ApiKey.DescribeTransactions, ApiKey.DescribeProducers]) {
    if (!env.versions.has(api)) throw new NotRunError(`kafka-transactions needs ListTransactions, DescribeTransactions and DescribeProducers; the endpoint lacks API ${api}`);
  }
  const topic = await env.createTopic('txn-cli', { partitions: 1 });
  const txid = env.topic('tx');
  const p = await kafkajsTransactional(env, kjs.session(env), txid);
  const msgs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: `${prefix}-${i}`, partition: 0 }));
  let t = await p.transaction();
  await t.send({ topic, messages: msgs('committed', 10) });
  await t.commit();
  t = await p.transaction();
  await t.send({ topic, messages: msgs('aborted', 5) });
  await t.abort();
  t = await p.transaction();
  await t.send({ topic, messages: msgs('open', 5) });

  // Offsets: committed 0-9, marker 10, aborted 11-15, marker 16, open 17-21.
  const listed = (await transactionsTable(env, cli, ['list'])).filter((row) => row['TransactionalId'] === txid);
  assert.equal(listed.length, 1, `kafka-transactions list shows ${txid} once`);
  assert.equal(listed[0]?.['TransactionState'], 'Ongoing');
  const producerId = listed[0]?.['ProducerId'];
  const [described] = await transactionsTable(env, cli, ['describe', '--transactional-id', txid]);
  assert.equal(described?.['TransactionState'], 'Ongoing');
  assert.equal(described?.['ProducerId'], producerId);
  assert.equal(described?.['TopicPartitions'], `${topic}-0`);
  assert.equal(described?.['TransactionTimeoutMs'], '60000');
  const producers = await transactionsTable(env, cli, ['describe-producers', '--topic', topic, '--partition', '0']);
  assert.deepEqual(producers.map((row) => [row['ProducerId'], row['CurrentTransactionStartOffset']]), [[producerId, '17']], 'the open transaction starts at offset 17');

  // read_committed stops at the open transaction; read_uncommitted sees every data record.
  const committed = await consoleConsume(env, cli, topic, { expect: 11, idleMs: 3000, extra: ['--isolation-level', 'read_committed'] });
  assert.deepEqual(committed.map((r) => r.value), msgs('committed', 10).map((m) => m.value));
  const everything = await consoleConsume(env, cli, topic, { expect: 20, extra: ['--isolation-level', 'read_uncommitted'] });
  assert.deepEqual(everything.map((r) => r.offset), [...range(0, 10), ...range(11, 16), ...range(17, 22)]);

  await t.commit();
  const after = await consoleConsume(env, cli, topic, { expect: 15, extra: ['--isolation-level', 'read_committed'] });
  assert.deepEqual(after.map((r) => r.value), [...msgs('committed', 10), ...msgs('open', 5)].map((m) => m.value));
  const [done] = await transactionsTable(env, cli, ['describe', '--transactional-id', txid]);
  assert.equal(done?.['TransactionState'], 'CompleteCommit');
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** The driver-protocol clients (confluent-kafka-python 1.x and 2.x, java, franz-go): txn_commit_abort, then read_committed and read_uncommitted reads. */
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
    'franz-go': driverCell,
    'confluent-kafka-python-2': driverCell,

    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-cli': kafkaCli,
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
