/**
 * kafka-python 2.0.2 (Debian python3-kafka, pure Python) against a real Tributary node: a
 * KafkaProducer sends N messages, and a KafkaConsumer with group_id=None, assign() and
 * seek_to_beginning() reads them all back. Codecs beyond gzip need optional Python modules
 * (python3-snappy, python3-lz4, python3-zstandard); those cases skip when the module is missing.
 */
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { BrokerProcess } from './support/broker-process.js';
import { clientProblem, parseJsonLines, printBrokerLogOnFailure, PYTHON, requireClient, runProcess, skipOrFail, uniqueTopic } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';
import { assertSameAsDelivered, pyProduce, scriptOf, srcTag } from './support/python-clients.js';
import { byPartition, readWithPython } from './support/readers.js';

const CLIENT = 'kafka-python' as const;

describe('kafka-python 2.0.2', function () {
  let broker: BrokerProcess | undefined;
  let admin: Admin | undefined;
  let codecs: Record<string, boolean> = {};

  before(async function () {
    this.timeout(60_000);
    requireClient(this, CLIENT);
    broker = await BrokerProcess.start();
    admin = makeKafka(broker.bootstrap, 'compat-kp-admin').kafka.admin();
    await admin.connect();
    const r = await runProcess(PYTHON, [scriptOf(CLIENT), 'codecs', '{}'], { timeoutMs: 30_000 });
    codecs = (parseJsonLines<Record<string, boolean>>(r.stdout)[0]) ?? {};
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
  });

  after(async function () {
    this.timeout(30_000);
    await admin?.disconnect().catch(() => undefined);
    await broker?.cleanup();
  });

  const baseTs = Date.now() - 2 * 3600_000;

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    it(`KafkaProducer sends N (${codec}); KafkaConsumer assign() + seek_to_beginning() reads all back`, async function () {
      this.timeout(120_000);
      if (codec !== 'none' && codec !== 'gzip' && codecs[codec] !== true) {
        skipOrFail(this, `kafka-python has no ${codec} codec here (python3-${codec === 'zstd' ? 'zstandard' : codec} not installed)`);
      }
      const N = codec === 'none' ? 2000 : 500;
      const topic = uniqueTopic(`kp-${codec}`);
      await admin!.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      const delivered = await pyProduce(CLIENT, { bootstrap: broker!.bootstrap, topic, count: N, base_ts: baseTs, compression: codec });
      assert.equal(delivered.length, N);
      const records = await readWithPython(CLIENT, broker!.bootstrap, topic, N, 90_000);
      assertSameAsDelivered(records, delivered, { src: srcTag(CLIENT), baseTs });
      assert.ok(byPartition(records).size >= 2, 'keys spread over several partitions');
    });
  }

  it('reads what confluent-kafka-python (librdkafka) wrote, and vice versa', async function () {
    this.timeout(120_000);
    if (clientProblem('confluent-kafka-python') !== null) {
      skipOrFail(this, 'python3-confluent-kafka missing, no cross-client check');
    }
    const t1 = uniqueTopic('kp-from-ckp');
    const t2 = uniqueTopic('ckp-from-kp');
    await admin!.createTopics({ topics: [{ topic: t1, numPartitions: 2 }, { topic: t2, numPartitions: 2 }] });
    const d1 = await pyProduce('confluent-kafka-python', { bootstrap: broker!.bootstrap, topic: t1, count: 300, base_ts: baseTs, compression: 'gzip' });
    assertSameAsDelivered(await readWithPython(CLIENT, broker!.bootstrap, t1, 300), d1, { src: srcTag('confluent-kafka-python'), baseTs });
    const d2 = await pyProduce(CLIENT, { bootstrap: broker!.bootstrap, topic: t2, count: 300, base_ts: baseTs, compression: 'gzip' });
    assertSameAsDelivered(await readWithPython('confluent-kafka-python', broker!.bootstrap, t2, 300), d2, { src: srcTag(CLIENT), baseTs });
  });
});
