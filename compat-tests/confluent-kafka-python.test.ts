/**
 * confluent-kafka-python (Debian python3-confluent-kafka, librdkafka) against a real Tributary node:
 * a Producer with keys, headers and explicit timestamps, and a Consumer that assign()s every
 * partition from OFFSET_BEGINNING (it has a group.id because the library insists, but never
 * subscribes or commits). Also offsets_for_times (ListOffsets by timestamp).
 */
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { BrokerProcess } from './support/broker-process.js';
import { printBrokerLogOnFailure, requireClient, uniqueTopic } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';
import { assertSameAsDelivered, pyOffsetsForTimes, pyProduce, srcTag } from './support/python-clients.js';
import { byPartition, readWithPython } from './support/readers.js';

const CLIENT = 'confluent-kafka-python' as const;

describe('confluent-kafka-python (librdkafka)', function () {
  let broker: BrokerProcess | undefined;
  let admin: Admin | undefined;

  before(async function () {
    this.timeout(60_000);
    requireClient(this, CLIENT);
    broker = await BrokerProcess.start();
    admin = makeKafka(broker.bootstrap, 'compat-ckp-admin').kafka.admin();
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

  const baseTs = Date.now() - 6 * 3600_000;
  const N = 1000;
  let tsTopic = '';
  let tsRecords: Awaited<ReturnType<typeof readWithPython>> = [];

  it('produces with keys, headers and explicit timestamps; an assign()ed consumer reads them all back intact', async function () {
    this.timeout(120_000);
    tsTopic = uniqueTopic('ckp');
    await admin!.createTopics({ topics: [{ topic: tsTopic, numPartitions: 3 }] });
    const delivered = await pyProduce(CLIENT, { bootstrap: broker!.bootstrap, topic: tsTopic, count: N, base_ts: baseTs });
    assert.equal(delivered.length, N);
    for (const d of delivered) {
      const idx = Number(d.key.slice('key-'.length));
      assert.equal(d.timestamp, baseTs + idx, `delivery report timestamp of ${d.key}`);
    }
    tsRecords = await readWithPython(CLIENT, broker!.bootstrap, tsTopic, N, 90_000);
    assertSameAsDelivered(tsRecords, delivered, { src: srcTag(CLIENT), baseTs });
    assert.ok(byPartition(tsRecords).size >= 2, 'keys spread over several partitions');
  });

  it('offsets_for_times returns, per partition, the first offset whose timestamp is >= the query', async function () {
    this.timeout(60_000);
    if (tsRecords.length === 0) this.skip();
    for (const q of [baseTs - 1000, baseTs + 1, baseTs + N / 2, baseTs + N - 1, baseTs + N + 10_000]) {
      const got = await pyOffsetsForTimes(broker!.bootstrap, tsTopic, q);
      for (const [partition, list] of byPartition(tsRecords)) {
        const first = list.find((r) => r.timestamp >= q);
        // No such record: Kafka answers offset -1 (librdkafka passes it through as OFFSET_END).
        const expected = first === undefined ? -1 : first.offset;
        assert.equal(got.get(partition), expected, `offsets_for_times(${q - baseTs} after base) on partition ${partition}`);
      }
    }
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`round trip with compression.codec=${codec}`, async function () {
      this.timeout(120_000);
      const topic = uniqueTopic(`ckp-${codec}`);
      await admin!.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      const delivered = await pyProduce(CLIENT, { bootstrap: broker!.bootstrap, topic, count: 500, base_ts: baseTs, compression: codec });
      const records = await readWithPython(CLIENT, broker!.bootstrap, topic, 500, 90_000);
      assertSameAsDelivered(records, delivered, { src: srcTag(CLIENT), baseTs });
    });
  }

  it('acks=0 and acks=1 producers are answered correctly (all messages land)', async function () {
    this.timeout(120_000);
    const topic = uniqueTopic('ckp-acks');
    await admin!.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await pyProduce(CLIENT, { bootstrap: broker!.bootstrap, topic, count: 100, acks: 1, partitions: 1 });
    // With acks=0 librdkafka reports no offsets; only the read-back tells.
    await pyProduce(CLIENT, { bootstrap: broker!.bootstrap, topic, count: 100, acks: 0, partitions: 1, start: 100 });
    const records = await readWithPython(CLIENT, broker!.bootstrap, topic, 200, 60_000);
    assert.deepEqual(records.map((r) => r.key), Array.from({ length: 200 }, (_, i) => `key-${i}`));
  });
});
