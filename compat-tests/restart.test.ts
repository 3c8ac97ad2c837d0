/**
 * Durability across restarts, as clients see it. kafkajs (acks=-1) writes; the node is stopped with
 * SIGTERM or killed with SIGKILL, started again on the same log dir, and a group-less reader (kcat,
 * else confluent-kafka-python, else kafka-python) reads every partition from the beginning.
 *   - SIGTERM: all K messages, in order, once; topics and their configs are still there.
 *   - SIGKILL: every acknowledged message, in order, none duplicated (unacknowledged ones may or may
 *     not be there, but only after the acknowledged ones).
 * In both cases writes after the restart continue the offsets.
 */
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import type { Producer } from 'kafkajs';
import { BrokerProcess, sleep } from './support/broker-process.js';
import { printBrokerLogOnFailure, skipOrFail, uniqueTopic, withTimeout } from './support/helpers.js';
import { describeError, makeKafka } from './support/kafkajs.js';
import { anyReader, byPartition, type ConsumedRecord, type Reader } from './support/readers.js';

const { ConfigResourceTypes } = kafkajs;

const PARTITIONS = 3;

function idxOf(r: ConsumedRecord): number {
  const m = /^v-(\d+)$/.exec(r.value ?? '');
  assert.ok(m?.[1] !== undefined, `unexpected value ${JSON.stringify(r.value)} at ${r.partition}/${r.offset}`);
  return Number(m[1]);
}

describe('restart: acknowledged writes survive SIGTERM and SIGKILL', function () {
  let broker: BrokerProcess | undefined;
  let reader: Reader;

  before(function () {
    const r = anyReader();
    if (r === undefined) {
      skipOrFail(this, 'no group-less reader (kcat, python3-confluent-kafka or python3-kafka) to read back after the restart');
    }
    reader = r!;
  });

  beforeEach(async function () {
    this.timeout(60_000);
    broker = await BrokerProcess.start({ overrides: { 'num.partitions': String(PARTITIONS) } });
  });

  afterEach(async function () {
    this.timeout(30_000);
    printBrokerLogOnFailure(this, broker, 12_000);
    await broker?.cleanup();
    broker = undefined;
  });

  /** Sends `count` messages starting at `start`, message i to partition i % PARTITIONS, in batches. */
  async function produceAll(p: Producer, topic: string, start: number, count: number): Promise<void> {
    const BATCH = 100;
    for (let s = start; s < start + count; s += BATCH) {
      const n = Math.min(BATCH, start + count - s);
      await p.send({
        topic, acks: -1,
        messages: Array.from({ length: n }, (_, j) => ({ partition: (s + j) % PARTITIONS, key: `k-${s + j}`, value: `v-${s + j}` })),
      });
    }
  }

  it('SIGTERM: all K messages are read back in order after the restart, and topics/configs survive', async function () {
    this.timeout(180_000);
    const b = broker!;
    const K = 3000;
    const topic = uniqueTopic('restart-term');
    const other = uniqueTopic('restart-cfg');
    {
      const c = makeKafka(b.bootstrap, 'compat-restart-1');
      const admin = c.kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [
        { topic, numPartitions: PARTITIONS },
        { topic: other, numPartitions: 5, configEntries: [{ name: 'retention.ms', value: '7654321' }] },
      ] });
      const p = c.kafka.producer();
      await p.connect();
      await produceAll(p, topic, 0, K);
      await p.disconnect();
      await admin.disconnect();
    }
    const exit = await b.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, 'SIGTERM must shut the node down cleanly with exit code 0');

    await b.restart();
    const records = await reader.read(b.bootstrap, topic, 90_000);
    assert.equal(records.length, K, `${reader.name} read ${records.length} of ${K} after the restart`);
    const parts = byPartition(records);
    for (let p = 0; p < PARTITIONS; p++) {
      const got = (parts.get(p) ?? []).map((r) => [r.offset, idxOf(r)]);
      const expected: [number, number][] = [];
      for (let i = p, o = 0; i < K; i += PARTITIONS, o++) expected.push([o, i]);
      assert.deepEqual(got, expected, `partition ${p}: [offset, message] after restart`);
    }

    const c = makeKafka(b.bootstrap, 'compat-restart-2');
    const admin = c.kafka.admin();
    await admin.connect();
    try {
      const md = await admin.fetchTopicMetadata({ topics: [other] });
      assert.equal(md.topics[0]?.partitions.length, 5, 'partition count after restart');
      const cfg = await admin.describeConfigs({
        includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: other, configNames: ['retention.ms'] }],
      });
      assert.equal(cfg.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue, '7654321');

      // New writes continue after the recovered log end.
      const p = c.kafka.producer();
      await p.connect();
      await produceAll(p, topic, K, 30);
      await p.disconnect();
      const offsets = await admin.fetchTopicOffsets(topic);
      for (const o of offsets) assert.equal(o.high, String((K + 30) / PARTITIONS), `partition ${o.partition} high watermark`);
    } finally {
      await admin.disconnect();
    }
    const again = await reader.read(b.bootstrap, topic, 90_000);
    assert.equal(again.length, K + 30);
    for (const [p, list] of byPartition(again)) {
      list.forEach((r, pos) => {
        assert.equal(r.offset, pos, `partition ${p}: dense offsets`);
        assert.equal(idxOf(r), p + pos * PARTITIONS, `partition ${p} offset ${pos}`);
      });
    }
  });

  it('SIGKILL: every acknowledged message is read back, in order, none duplicated', async function () {
    this.timeout(180_000);
    const b = broker!;
    const topic = uniqueTopic('restart-kill');
    const KILL_AFTER = 3000;
    // One sequential sender per partition, so each partition's send order is well defined, and
    // requests are in flight on every partition when the node dies.
    const acked: number[][] = Array.from({ length: PARTITIONS }, () => []);
    const sendErrors: string[] = [];
    const c = makeKafka(b.bootstrap, 'compat-kill', { retries: 0, initialRetryTime: 100 });
    const admin = c.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const producer = c.kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    let stop = false;
    let killed: Promise<unknown> | undefined;
    const p2 = <T>(p: Promise<T>): Promise<T> => withTimeout('send', p, 40_000);
    const total = (): number => acked.reduce((s, l) => s + l.length, 0);
    const loop = async (partition: number): Promise<void> => {
      let i = partition;
      while (!stop) {
        const batch: number[] = [];
        for (let j = 0; j < 20; j++, i += PARTITIONS) batch.push(i);
        try {
          await p2(producer.send({ topic, acks: -1, messages: batch.map((x) => ({ partition, key: `k-${x}`, value: `v-${x}` })) }));
          acked[partition]!.push(...batch);
        } catch (e) {
          sendErrors.push(describeError(e));
          stop = true;
          return;
        }
        if (killed === undefined && total() >= KILL_AFTER) killed = b.kill();
      }
    };
    await withTimeout('the three senders to stop after the kill', Promise.all([0, 1, 2].map(loop)), 120_000);
    await killed;
    assert.ok(killed !== undefined, 'the node was never killed');
    assert.equal(b.alive, false);
    await producer.disconnect().catch(() => undefined);
    assert.ok(total() >= KILL_AFTER, `only ${total()} acknowledged before the senders failed: ${sendErrors.slice(0, 3).join(' | ')}`);

    await sleep(200);
    await b.restart();
    const records = await reader.read(b.bootstrap, topic, 90_000);
    const parts = byPartition(records);
    for (let p = 0; p < PARTITIONS; p++) {
      const list = parts.get(p) ?? [];
      const idx = list.map(idxOf);
      list.forEach((r, pos) => assert.equal(r.offset, pos, `partition ${p}: dense offsets from 0`));
      const ack = acked[p]!;
      // The acknowledged messages are exactly the first ack.length records, in send order.
      assert.deepEqual(idx.slice(0, ack.length), ack,
        `partition ${p}: the first ${ack.length} records must be the acknowledged messages in order ` +
        `(read ${idx.length}, first mismatch near ${idx.findIndex((x, k) => x !== ack[k])})`);
      // Anything after them is the unacknowledged tail, each message at most once and in order.
      const tail = idx.slice(ack.length);
      for (let k = 0; k < tail.length; k++) {
        const prev = k === 0 ? (ack[ack.length - 1] ?? -1) : tail[k - 1]!;
        assert.equal(tail[k], prev + PARTITIONS, `partition ${p}: unacknowledged tail out of order or duplicated: ${tail.slice(0, 10).join(',')}`);
      }
    }

    // The node takes new writes after the recovered end.
    const c2 = makeKafka(b.bootstrap, 'compat-kill-2');
    const p = c2.kafka.producer();
    await p.connect();
    const res = await p.send({ topic, acks: -1, messages: [{ partition: 0, value: 'after-recovery' }] });
    await p.disconnect();
    assert.equal(res[0]?.baseOffset, String(parts.get(0)?.length ?? 0), 'the first write after recovery gets the next offset');
  });
});
