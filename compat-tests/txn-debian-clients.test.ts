/**
 * Transactions with confluent-kafka-python (Debian's python3-confluent-kafka 1.7 on librdkafka
 * 2.0.2), run unmodified through compat-tests/txn/txn_clients.py:
 *   - init_transactions / begin / commit / abort: read_committed sees the committed records only,
 *     read_uncommitted sees every record;
 *   - send_offsets_to_transaction moves the group's committed offsets only on commit;
 *   - an exactly-once consume-transform-produce loop over 50,000 records ends with exactly one copy
 *     of each output record, in input order per partition;
 *   - the same loop while the broker is killed with SIGKILL three times and restarted.
 *
 * Skips with a message when the client is missing; fails instead under CI=true.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BrokerProcess, REPO_ROOT, sleep } from './support/broker-process.js';
import { assertRanOk, parseJsonLines, printBrokerLogOnFailure, PYTHON, requireClient, runProcess, uniqueTopic } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';

const DRIVER = join(REPO_ROOT, 'compat-tests', 'txn', 'txn_clients.py');
const PARTITIONS = 3;

interface Line {
  type: string;
  count?: number;
  values?: [number, number, string][];
  offsets?: number[];
  committed_txn?: boolean;
  done?: number;
  commits?: number;
  aborts?: number;
  failures?: string[];
}

async function driver(cmd: string, args: Record<string, unknown>, timeoutMs = 120_000): Promise<Line[]> {
  const r = await runProcess(PYTHON, [DRIVER, cmd, JSON.stringify(args)], { timeoutMs });
  assertRanOk(r);
  return parseJsonLines<Line>(r.stdout);
}

function one(lines: readonly Line[], type: string): Line {
  const l = lines.find((x) => x.type === type);
  assert.ok(l, `no "${type}" line in ${JSON.stringify(lines).slice(0, 500)}`);
  return l;
}

/** Every input "<p>:<i>" exactly once as "out-<p>:<i>", on partition p, in order of i. */
function assertExactlyOnceInOrder(values: readonly [number, number, string][], perPartition: readonly number[]): void {
  for (let p = 0; p < perPartition.length; p++) {
    const got = values.filter((v) => v[0] === p).sort((a, b) => a[1] - b[1]).map((v) => v[2]);
    const expected = Array.from({ length: perPartition[p] ?? 0 }, (_, i) => `out-${p}:${i}`);
    if (got.length !== expected.length || got.some((v, i) => v !== expected[i])) {
      const firstBad = got.findIndex((v, i) => v !== expected[i]);
      assert.fail(`partition ${p}: ${got.length} records, expected ${expected.length}; first difference at ${firstBad}: ${got[firstBad]} vs ${expected[firstBad]}`);
    }
  }
}

describe('transactions with confluent-kafka-python', function () {
  let broker: BrokerProcess | undefined;

  before(function () {
    requireClient(this, 'confluent-kafka-python');
  });

  beforeEach(async function () {
    this.timeout(60_000);
    broker = await BrokerProcess.start({
      overrides: {
        'num.partitions': String(PARTITIONS),
        'group.initial.rebalance.delay.ms': '0',
        'transaction.state.log.num.partitions': '5',
        'offsets.topic.num.partitions': '5',
        'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
      },
    });
  });

  afterEach(async function () {
    this.timeout(30_000);
    printBrokerLogOnFailure(this, broker, 12_000);
    await broker?.cleanup();
    broker = undefined;
  });

  async function createTopics(...names: string[]): Promise<void> {
    const admin = makeKafka(broker!.bootstrap, 'compat-txn-admin').kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: PARTITIONS })) });
    await admin.disconnect();
  }

  it('init_transactions / begin / commit / abort: read_committed sees committed records only, read_uncommitted all', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('py-txn');
    await createTopics(topic);
    const bootstrap = broker!.bootstrap;
    await driver('commit-abort', { bootstrap, topic, transactional_id: uniqueTopic('py-tx') });
    const committed = one(await driver('read', { bootstrap, topic, isolation: 'read_committed', expected: 20, group: uniqueTopic('rc') }), 'read');
    assert.deepEqual((committed.values ?? []).map((v) => v[2]).sort(), [...Array.from({ length: 10 }, (_, i) => `c-${i}`), ...Array.from({ length: 10 }, (_, i) => `d-${i}`)].sort());
    const all = one(await driver('read', { bootstrap, topic, isolation: 'read_uncommitted', expected: 30, group: uniqueTopic('ru') }), 'read');
    assert.equal(all.count, 30);
    assert.equal((all.values ?? []).filter((v) => v[2].startsWith('a-')).length, 10);
  });

  it('send_offsets_to_transaction moves the group\'s committed offsets only on commit', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('py-txn-offsets');
    await createTopics(topic);
    const lines = await driver('offsets', { bootstrap: broker!.bootstrap, topic, group: uniqueTopic('py-eos-group'), transactional_id: uniqueTopic('py-tx-off') });
    const results = lines.filter((l) => l.type === 'offsets');
    assert.equal(results.length, 2);
    assert.equal(results[0]?.committed_txn, false);
    assert.ok((results[0]?.offsets ?? []).every((o) => o < 0), `aborted: no committed offsets, got ${JSON.stringify(results[0]?.offsets)}`);
    assert.deepEqual(results[1]?.offsets, [8, 9]);
  });

  async function runEos(records: number, faults: number): Promise<void> {
    const b = broker!;
    const input = uniqueTopic('eos-in');
    const output = uniqueTopic('eos-out');
    await createTopics(input, output);
    const produced = one(await driver('produce', { bootstrap: b.bootstrap, topic: input, partitions: PARTITIONS, count: records }), 'produced');
    assert.deepEqual(produced.failures, []);
    const perPartition = Array.from({ length: PARTITIONS }, (_, p) => Math.floor(records / PARTITIONS) + (p < records % PARTITIONS ? 1 : 0));

    const loop = runProcess(PYTHON, [DRIVER, 'eos', JSON.stringify({
      bootstrap: b.bootstrap, input, output, group: uniqueTopic('eos-group'), transactional_id: uniqueTopic('eos-tx'), expected: records, transaction_timeout_ms: 6000,
    })], { timeoutMs: 400_000 });
    let finished = false;
    void loop.then(() => (finished = true));
    let kills = 0;
    for (let i = 0; i < faults && !finished; i++) {
      await sleep(1500 + i * 500);
      if (finished) break;
      await b.kill();
      kills++;
      await sleep(300);
      await b.restart();
    }
    const r = await loop;
    assertRanOk(r);
    const lines = parseJsonLines<Line>(r.stdout);
    const done = one(lines, 'eos-done');
    assert.equal(done.done, records);
    assert.equal(kills, faults, 'every kill happened while the loop was running');
    console.log(`      [eos] ${records} records: ${done.commits} transactions committed, ${done.aborts} aborted/retried, ${kills} broker kills`);

    const read = one(await driver('read', { bootstrap: b.bootstrap, topic: output, isolation: 'read_committed', expected: records, group: uniqueTopic('verify'), timeout: 120, quiet: 2 }, 200_000), 'read');
    assertExactlyOnceInOrder(read.values ?? [], perPartition);
  }

  it('an exactly-once consume-transform-produce loop over 50,000 records outputs each record exactly once', async function () {
    this.timeout(300_000);
    await runEos(50_000, 0);
  });

  it('fault: the same loop while the broker is SIGKILLed three times outputs every input exactly once, in order per partition', async function () {
    this.timeout(500_000);
    await runEos(50_000, 3);
  });
});
