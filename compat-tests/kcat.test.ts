/**
 * kcat (librdkafka) against a real Tributary node: metadata listing, and a produce/consume round
 * trip for every compression codec, compared exactly (keys, values, headers, order per partition).
 * Consumers are group-less (-C without -G). Topics are created with kafkajs's admin (kcat has none).
 */
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { BrokerProcess } from './support/broker-process.js';
import { assertRanOk, parseJsonLines, printBrokerLogOnFailure, requireClient, runProcess, uniqueTopic } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';
import { byPartition, readWithKcat } from './support/readers.js';

interface KcatMetadata {
  controllerid?: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

describe('kcat (librdkafka)', function () {
  let broker: BrokerProcess | undefined;
  let admin: Admin | undefined;

  before(async function () {
    this.timeout(60_000);
    requireClient(this, 'kcat');
    broker = await BrokerProcess.start();
    admin = makeKafka(broker.bootstrap, 'compat-kcat-admin').kafka.admin();
    await admin.connect();
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
  });

  after(async function () {
    this.timeout(30_000);
    await admin?.disconnect().catch(() => undefined);
    await broker?.cleanup();
  });

  it('kcat -L lists the broker (as controller) and the topics with their partitions', async function () {
    const topic = uniqueTopic('kcat-meta');
    await admin!.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const r = await runProcess('kcat', ['-b', broker!.bootstrap, '-L', '-J'], { timeoutMs: 30_000 });
    assertRanOk(r);
    const md = JSON.parse(r.stdout) as KcatMetadata;
    assert.deepEqual(md.brokers, [{ id: 1, name: broker!.bootstrap }]);
    if (md.controllerid !== undefined) assert.equal(md.controllerid, 1);
    const t = md.topics.find((x) => x.topic === topic);
    assert.ok(t !== undefined, `kcat -L does not list ${topic}: ${r.stdout.slice(0, 2000)}`);
    assert.equal(t.error, undefined);
    assert.deepEqual(t.partitions.map((p) => p.partition).sort(), [0, 1, 2, 3]);
    for (const p of t.partitions) {
      assert.equal(p.leader, 1);
      assert.deepEqual(p.replicas, [{ id: 1 }]);
      assert.deepEqual(p.isrs, [{ id: 1 }]);
    }

    // The plain-text form, as people use it.
    const plain = await runProcess('kcat', ['-b', broker!.bootstrap, '-L', '-t', topic], { timeoutMs: 30_000 });
    assertRanOk(plain);
    assert.match(plain.stdout, new RegExp(`broker 1 at ${broker!.bootstrap.replace(/\./g, '\\.')}`));
    assert.match(plain.stdout, new RegExp(`topic "${topic}" with 4 partitions`));
  });

  for (const codec of CODECS) {
    it(`produce with -z ${codec} and keys (-K), consume from the beginning (-C -e): identical, in order per partition`, async function () {
      this.timeout(120_000);
      const N = 3000;
      const topic = uniqueTopic(`kcat-${codec}`);
      await admin!.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      const lines: string[] = [];
      for (let i = 0; i < N; i++) lines.push(`key-${i}:value-${i}-${'p'.repeat(i % 37)}`);
      const produce = await runProcess('kcat', [
        '-b', broker!.bootstrap, '-P', '-t', topic, '-z', codec, '-K', ':', '-H', `codec=${codec}`,
        '-X', 'linger.ms=20', '-X', 'batch.num.messages=500',
      ], { input: lines.join('\n') + '\n', timeoutMs: 60_000 });
      assertRanOk(produce);
      assert.doesNotMatch(produce.stderr, /fail|error/i, `kcat -P reported: ${produce.stderr}`);

      const records = await readWithKcat(broker!.bootstrap, topic, 60_000);
      assert.equal(records.length, N, `read ${records.length} of ${N} records`);
      const seen = new Set<number>();
      const parts = byPartition(records);
      assert.ok(parts.size >= 2, `keys should spread over partitions, got ${[...parts.keys()].join(',')}`);
      for (const [partition, list] of parts) {
        let prev = -1;
        list.forEach((r, pos) => {
          assert.equal(r.offset, pos, `partition ${partition}: offsets dense from 0`);
          const idx = Number(/^key-(\d+)$/.exec(r.key ?? '')?.[1]);
          assert.ok(Number.isInteger(idx), `unexpected key ${JSON.stringify(r.key)}`);
          assert.equal(r.value, `value-${idx}-${'p'.repeat(idx % 37)}`, `value of key-${idx}`);
          assert.deepEqual(r.headers, [['codec', codec]]);
          assert.ok(idx > prev, `partition ${partition}: key-${idx} after key-${prev} (send order broken)`);
          assert.ok(!seen.has(idx), `key-${idx} read twice`);
          seen.add(idx);
          prev = idx;
        });
      }
      assert.equal(seen.size, N);

      // Starting in the middle of a (compressed) batch: exactly offsets 7..11 of partition 0.
      const p0 = parts.get(0) ?? [];
      if (p0.length >= 12) {
        const mid = await runProcess('kcat', [
          '-b', broker!.bootstrap, '-C', '-t', topic, '-p', '0', '-o', '7', '-c', '5', '-e', '-J', '-q',
        ], { timeoutMs: 30_000 });
        assertRanOk(mid);
        const got = parseJsonLines<{ offset: number; key: string }>(mid.stdout);
        assert.deepEqual(got.map((g) => [g.offset, g.key]), p0.slice(7, 12).map((r) => [r.offset, r.key]));
      }
    });
  }
});
