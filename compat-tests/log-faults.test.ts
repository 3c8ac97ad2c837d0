/**
 * Storage faults with a real broker process (issue #5): kill -9 in the middle of a sustained acks=all
 * produce load, then every acknowledged message is readable, in order, once; garbage appended to a
 * segment's tail, a segment truncated mid-batch, and deleted or corrupted index files are recovered
 * on restart (the log is cut at its last whole batch, indexes are rebuilt, not trusted).
 * The test damages files in the partition directory itself: that is the fault being injected.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { BrokerProcess } from './support/broker-process.js';
import { printBrokerLogOnFailure, skipOrFail, uniqueTopic, withTimeout } from './support/helpers.js';
import { makeKafka, printKafkajsLogOnFailure, type KafkaWithLog } from './support/kafkajs.js';
import { anyReader, type Reader } from './support/readers.js';

describe('storage faults: kill -9 under load, torn and corrupt files (kafkajs, group-less reader)', function () {
  let broker: BrokerProcess | undefined;
  let client: KafkaWithLog;
  let reader: Reader;

  before(async function () {
    this.timeout(60_000);
    const r = anyReader();
    if (r === undefined) skipOrFail(this, 'no group-less reader (kcat or a Python client) is available');
    reader = r;
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': '1' } });
    client = makeKafka(broker.bootstrap, 'compat-log-faults', { retries: 2, initialRetryTime: 100, maxRetryTime: 500 });
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
    printKafkajsLogOnFailure(this, client?.log ?? []);
  });

  after(async function () {
    this.timeout(30_000);
    await broker?.cleanup();
  });

  async function withClients<T>(fn: (admin: Admin, producer: Producer) => Promise<T>): Promise<T> {
    const admin = client.kafka.admin();
    const producer = client.kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
    try {
      return await fn(admin, producer);
    } finally {
      await producer.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  }

  const segmentFiles = (topic: string, ext: string): string[] => {
    const dir = join(broker!.logDir, `${topic}-0`);
    return readdirSync(dir).filter((n) => n.endsWith(ext)).sort().map((n) => join(dir, n));
  };

  it('kill -9 during a sustained acks=all load: every acknowledged message survives, in order, once', async function () {
    this.timeout(90_000);
    const topic = uniqueTopic('kill9');
    await withClients((admin) => admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '16384' }] }] }));
    const acked: string[] = [];
    const admin = client.kafka.admin();
    const producer = client.kafka.producer({ allowAutoTopicCreation: false });
    await admin.connect();
    await producer.connect();
    let n = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const messages = Array.from({ length: 20 }, () => ({ key: `m-${n++}`, value: `payload-${n}`.padEnd(100, '.') }));
        try {
          await producer.send({ topic, acks: -1, messages });
          for (const m of messages) acked.push(m.key);
        } catch {
          return; // the broker died: unacknowledged
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1500));
    await broker!.kill();
    stop = true;
    await withTimeout('the producer to notice the dead broker', load, 30_000);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    assert.ok(acked.length > 100, `only ${acked.length} acknowledged before the kill`);
    await broker!.restart();
    const records = await reader.read(broker!.bootstrap, topic);
    assert.deepEqual(records.map((r) => r.offset), records.map((_, i) => i), 'offsets dense from 0');
    const keys = records.map((r) => r.key);
    assert.equal(new Set(keys).size, keys.length, 'nothing twice');
    assert.deepEqual(keys.slice(0, acked.length), acked, 'every acknowledged message, in order');
  });

  it('garbage appended to the active segment and a truncated last batch are cut back to the last whole batch', async function () {
    this.timeout(90_000);
    const topic = uniqueTopic('torn');
    await withClients(async (admin, producer) => {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
      for (let i = 0; i < 10; i++) await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
    });
    await broker!.kill();
    const log = segmentFiles(topic, '.log').at(-1)!;
    appendFileSync(log, Buffer.from('this is not a record batch, just garbage at the tail of the segment'));
    await broker!.restart();
    let records = await reader.read(broker!.bootstrap, topic);
    assert.deepEqual(records.map((r) => r.key), Array.from({ length: 10 }, (_, i) => `k${i}`));
    assert.ok(/truncated/.test(broker!.stderr()), 'the recovery is logged');

    await broker!.kill();
    const size = statSync(log).size;
    truncateSync(log, size - 5); // cut the last batch mid-way
    await broker!.restart();
    records = await reader.read(broker!.bootstrap, topic);
    assert.deepEqual(records.map((r) => r.key), Array.from({ length: 9 }, (_, i) => `k${i}`), 'recovered to the last whole batch');
    // And it serves again: the next append gets the next offset.
    await withClients(async (_admin, producer) => {
      const r = await producer.send({ topic, acks: -1, messages: [{ key: 'after', value: 'x' }] });
      assert.equal(Number(r[0]!.baseOffset), 9);
    });
  });

  it('a deleted offset index and a corrupted time index are rebuilt, not trusted', async function () {
    this.timeout(90_000);
    const topic = uniqueTopic('index');
    const base = Date.now() - 100_000;
    await withClients(async (admin, producer) => {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [
        { name: 'segment.bytes', value: '2048' }, { name: 'index.interval.bytes', value: '64' },
      ] }] });
      for (let i = 0; i < 100; i += 5) {
        await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, j) => ({ key: `k${i + j}`, value: 'v'.repeat(30), timestamp: String(base + (i + j) * 10) })) });
      }
    });
    await broker!.stop(); // clean shutdown: indexes would be trusted if they looked sane
    const indexes = segmentFiles(topic, '.index');
    const timeIndexes = segmentFiles(topic, '.timeindex');
    assert.ok(indexes.length >= 3);
    unlinkSync(indexes[0]!);
    writeFileSync(timeIndexes[1]!, Buffer.alloc(statSync(timeIndexes[1]!).size, 0xff));
    await broker!.restart();
    assert.ok(/rebuilding indexes/.test(broker!.stderr()), 'the rebuild is logged');
    const records = await reader.read(broker!.bootstrap, topic);
    assert.deepEqual(records.map((r) => r.key), Array.from({ length: 100 }, (_, i) => `k${i}`));
    await withClients(async (admin) => {
      for (const i of [0, 17, 42, 99]) {
        const got = await admin.fetchTopicOffsetsByTimestamp(topic, base + i * 10);
        assert.equal(Number(got[0]!.offset), i, `offset for the timestamp of k${i}`);
      }
    });
  });
});
