/**
 * Transactions and idempotence with kafkajs 2.2.4 against a real broker process:
 *   - a transactional producer commits and aborts: a read_committed consumer sees exactly the
 *     committed records, a read_uncommitted one sees every record; an open transaction is invisible
 *     to read_committed until it commits;
 *   - sendOffsets inside a transaction moves the group's committed offsets only on commit;
 *   - a second producer with the same transactional.id fences the first (its open transaction is
 *     aborted, its next request fails with a fencing error);
 *   - a transaction left open by a producer that went away is aborted at its timeout;
 *   - an idempotent producer sending through a broker SIGKILL + restart writes each message once.
 */
import assert from 'node:assert/strict';
import type { Kafka, Producer } from 'kafkajs';
import { BrokerProcess, sleep } from './support/broker-process.js';
import { printBrokerLogOnFailure, uniqueTopic, waitFor } from './support/helpers.js';
import { errorTypes, makeKafka, printKafkajsLogOnFailure, type KafkaWithLog } from './support/kafkajs.js';

const PARTITIONS = 3;

interface Got {
  partition: number;
  offset: number;
  value: string;
}

/** Reads `topic` from the beginning in a fresh group until `expected` records arrived and `quietMs` passed without more. */
async function consume(kafka: Kafka, topic: string, readUncommitted: boolean, expected: number, quietMs = 1500, timeoutMs = 30_000): Promise<Got[]> {
  const consumer = kafka.consumer({ groupId: uniqueTopic('reader'), readUncommitted, maxWaitTimeInMs: 200 });
  await consumer.connect();
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
    while (Date.now() - started < timeoutMs) {
      if (got.length >= expected && Date.now() - last >= quietMs) break;
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
  }
  return got;
}

function values(got: readonly Got[]): string[] {
  return got.map((g) => g.value).sort();
}

async function transactional(kafka: Kafka, transactionalId: string, transactionTimeout = 60_000): Promise<Producer> {
  const p = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout });
  await p.connect();
  return p;
}

describe('transactions with kafkajs', function () {
  let broker: BrokerProcess | undefined;
  let client: KafkaWithLog;

  beforeEach(async function () {
    this.timeout(60_000);
    broker = await BrokerProcess.start({
      overrides: {
        'num.partitions': String(PARTITIONS),
        'group.initial.rebalance.delay.ms': '0',
        'transaction.state.log.num.partitions': '5',
        'offsets.topic.num.partitions': '5',
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': '500',
      },
    });
    client = makeKafka(broker.bootstrap, 'compat-txn');
  });

  afterEach(async function () {
    this.timeout(30_000);
    printBrokerLogOnFailure(this, broker, 12_000);
    printKafkajsLogOnFailure(this, client.log);
    await broker?.cleanup();
    broker = undefined;
  });

  async function createTopic(name: string): Promise<void> {
    const admin = client.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: name, numPartitions: PARTITIONS }] });
    await admin.disconnect();
  }

  it('commit and abort: read_committed sees only committed records, read_uncommitted sees all; an open transaction is invisible', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('txn-commit-abort');
    await createTopic(topic);
    const p = await transactional(client.kafka, uniqueTopic('tx'));
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
    const during = await consume(client.kafka, topic, false, 30);
    assert.deepEqual(values(during), values(msgs('committed', 30).map((m, i) => ({ partition: 0, offset: i, value: m.value }))));

    await t.commit();
    const committed = await consume(client.kafka, topic, false, 40);
    assert.equal(committed.length, 40, `read_committed got ${committed.length}`);
    assert.ok(committed.every((g) => !g.value.startsWith('aborted')), 'no aborted record is visible to read_committed');
    assert.deepEqual(values(committed), [...msgs('committed', 30), ...msgs('open', 10)].map((m) => m.value).sort());

    const all = await consume(client.kafka, topic, true, 60);
    assert.equal(all.length, 60, `read_uncommitted got ${all.length}`);
    assert.equal(all.filter((g) => g.value.startsWith('aborted')).length, 20);
    await p.disconnect();
  });

  it('sendOffsets moves the group\'s committed offsets only when the transaction commits', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('txn-offsets');
    await createTopic(topic);
    const groupId = uniqueTopic('eos-group');
    const admin = client.kafka.admin();
    await admin.connect();
    const committedOffsets = async (): Promise<number[]> => {
      const [r] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (r?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((x) => Number(x.offset));
    };
    const p = await transactional(client.kafka, uniqueTopic('tx-offsets'));

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
    await p.disconnect();
    await admin.disconnect();
  });

  it('a second producer with the same transactional.id fences the first; the zombie\'s open transaction is aborted', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('txn-fence');
    await createTopic(topic);
    const id = uniqueTopic('tx-fence');
    const zombie = await transactional(client.kafka, id);
    const zt = await zombie.transaction();
    await zt.send({ topic, messages: [{ value: 'zombie-1', partition: 0 }] });

    const fresh = await transactional(client.kafka, id);
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
    assert.ok(types.some((x) => x === 'INVALID_PRODUCER_EPOCH' || x === 'PRODUCER_FENCED'), `fencing error expected, got ${types.join(', ')}`);

    await ft.send({ topic, messages: [{ value: 'fresh-1', partition: 0 }] });
    await ft.commit();
    const got = await consume(client.kafka, topic, false, 1);
    assert.deepEqual(values(got), ['fresh-1']);
    await fresh.disconnect();
    await zombie.disconnect().catch(() => undefined);
  });

  it('a transaction left open past its timeout is aborted and stops holding back read_committed', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('txn-timeout');
    await createTopic(topic);
    const p = await transactional(client.kafka, uniqueTopic('tx-timeout'), 2000);
    const t = await p.transaction();
    await t.send({ topic, messages: [{ value: 'stuck', partition: 0 }] });
    // Committed data after the stuck transaction is readable once it times out.
    const other = await transactional(client.kafka, uniqueTopic('tx-other'));
    const ot = await other.transaction();
    await ot.send({ topic, messages: [{ value: 'later', partition: 0 }] });
    await ot.commit();
    const got = await consume(client.kafka, topic, false, 1, 1000, 20_000);
    assert.deepEqual(values(got), ['later']);
    await assert.rejects(t.commit(), (e: unknown) => errorTypes(e).some((x) => x === 'INVALID_PRODUCER_EPOCH' || x === 'PRODUCER_FENCED'));
    await other.disconnect();
    await p.disconnect().catch(() => undefined);
  });

  it('an idempotent producer sending through a SIGKILL and restart writes each message exactly once', async function () {
    this.timeout(180_000);
    const b = broker!;
    const topic = uniqueTopic('idem-restart');
    await createTopic(topic);
    const retrying = makeKafka(b.bootstrap, 'compat-idem', { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 });
    const p = retrying.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    const N = 3000;
    let sent = 0;
    const sending = (async () => {
      for (let s = 0; s < N; s += 50) {
        await p.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, j) => ({ value: `m-${s + j}`, partition: (s + j) % PARTITIONS })) });
        sent = s + 50;
      }
    })();
    await waitFor('the producer got going', () => sent >= 600, 30_000);
    await b.kill();
    await sleep(500);
    await b.restart();
    await sending;
    await p.disconnect();
    const got = await consume(client.kafka, topic, true, N, 1500, 60_000);
    const seen = new Map<string, number>();
    for (const g of got) seen.set(g.value, (seen.get(g.value) ?? 0) + 1);
    const dups = [...seen].filter(([, n]) => n > 1).map(([v]) => v);
    assert.deepEqual(dups, [], 'no message written twice');
    assert.equal(seen.size, N, 'every message written');
    // Within a partition, the order of sending.
    for (let part = 0; part < PARTITIONS; part++) {
      const idx = got.filter((g) => g.partition === part).sort((a, b) => a.offset - b.offset).map((g) => Number(g.value.slice(2)));
      assert.deepEqual(idx, [...idx].sort((a, b) => a - b), `partition ${part} in order`);
    }
  });
});
