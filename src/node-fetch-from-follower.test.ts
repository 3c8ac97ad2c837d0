/**
 * Fetch from follower (KIP-392) in a 3-node cluster in one process: nodes in racks a, b, c with
 * replica.selector.class = RackAwareReplicaSelector. A consumer with client.rack c reads a
 * partition led by node 1 from node 3, its follower in rack c: the leader answers with
 * preferred_read_replica 3, the client fetches there, and node 3 (which nobody else fetches that
 * topic from: replicas fetch from the leader) serves the records. The same with librdkafka (kcat
 * -X client.rack=c), when kcat is installed. Without the selector the consumer stays on the leader.
 */
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { InProcessCluster } from './testing/in-process-cluster.js';
import { waitFor } from './compat/wait.js';

/** Polls `check` (bounded, 30 s) until it returns a value: compat's waitFor. */
const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => waitFor(what, check, timeoutMs, 100);
import { detectKcat, KCAT } from './compat/clients/kcat.js';
import { parseJsonLines, runProcess } from './compat/process.js';
import { RawClient } from './testing/raw-client.js';
import { Reader } from './protocol/codec/reader.js';
import { ErrorCode } from './protocol/generated/error-codes.js';
import { encodeFetchRequest } from './protocol/generated/messages/fetch-request.js';
import { decodeFetchResponse, type PartitionData } from './protocol/generated/messages/fetch-response.js';

const RACK_AWARE = 'org.apache.kafka.common.replica.RackAwareReplicaSelector';
const RACKS: Record<number, string> = { 1: 'a', 2: 'b', 3: 'c' };


/** A series' value in a Prometheus text page (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('fetch from follower (KIP-392) in a 3-node cluster', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  async function setUp(selector: string | null): Promise<{ kafka: Kafka; brokerOf: (id: number) => string }> {
    cluster = await InProcessCluster.start({
      nodes: 3,
      config: selector === null ? {} : { 'replica.selector.class': selector },
      nodeConfig: (id) => ({ 'broker.rack': RACKS[id] ?? '', 'tributary.metrics.listeners': 'http://127.0.0.1:0' }),
    });
    const addresses = cluster.bootstrap.split(',');
    const kafka = new Kafka({ clientId: 'ffr-test', brokers: addresses, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'ffr', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] }], waitForLeaders: true });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'ffr', acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ value: `v${i}` })) });
      await producer.disconnect();
      await until('all three replicas in the ISR, leader 1', async () => {
        const p = (await admin.fetchTopicMetadata({ topics: ['ffr'] })).topics[0]?.partitions[0];
        return p !== undefined && p.leader === 1 && p.isr.length === 3 ? true : undefined;
      });
    } finally {
      await admin.disconnect();
    }
    const brokerOf = (id: number): string => addresses[id - 1] ?? '';
    // A follower learns the HW from its next fetch response (up to replica.fetch.wait.max.ms later,
    // as Kafka's); asked at offset 20 it reports its HW and sends no bytes.
    for (const id of [2, 3]) await until(`follower ${id} has HW 20`, async () => ((await rawFetch(brokerOf(id), 11, '', 20n))?.highWatermark === 20n ? true : undefined));
    return { kafka, brokerOf };
  }

  /** Runs a rack-c consumer until it has read `count` records; returns them and the brokers its Fetch requests went to. */
  async function consume(kafka: Kafka, groupId: string, count: number): Promise<{ values: string[]; fetchedFrom: Set<string>; consumer: Consumer }> {
    const consumer = kafka.consumer({ groupId, rackId: 'c', maxWaitTimeInMs: 200 });
    const fetchedFrom = new Set<string>();
    consumer.on(consumer.events.REQUEST, (e) => {
      if (e.payload.apiName === 'Fetch') fetchedFrom.add(e.payload.broker);
    });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'ffr', fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value?.toString() ?? '') });
    await until(`${count} records read`, async () => (values.length >= count ? true : undefined));
    return { values, fetchedFrom, consumer };
  }

  /** One consumer Fetch of ffr-0 from offset 0 at `version` (v10/v11: by topic name, not flexible). */
  async function rawFetch(address: string, version: 10 | 11, rackId = '', fetchOffset = 0n): Promise<PartitionData | undefined> {
    const c = await RawClient.connect(address);
    try {
      c.send(1, version, 1, false, (w) =>
        encodeFetchRequest(w, version, {
          replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic: 'ffr', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
          forgottenTopicsData: [], rackId,
        }),
      );
      const frame = await c.receive();
      assert.ok(frame);
      return decodeFetchResponse(new Reader(frame, 4), version).responses[0]?.partitions[0];
    } finally {
      c.close();
    }
  }

  async function bytesOut(id: number): Promise<number> {
    const url = cluster?.node(id)?.metricsUrls[0];
    assert.ok(url !== undefined, `node ${id} serves metrics`);
    return series(await (await fetch(url)).text(), 'kafka_server_brokertopicmetrics_bytesout_total{topic="ffr"}');
  }

  it('a consumer with client.rack c is sent to node 3 (rack c) and reads every record there, new ones included', async () => {
    const { kafka, brokerOf } = await setUp(RACK_AWARE);
    assert.equal(await bytesOut(3), 0, 'a follower serves no one before the consumer comes');
    // On the wire: the leader names replica 3 to a rack-c v11 fetch and sends no records; v10 gets records (no preferred replica field).
    const redirected = await rawFetch(brokerOf(1), 11, 'c');
    assert.equal(redirected?.errorCode, ErrorCode.NONE);
    assert.equal(redirected?.preferredReadReplica, 3);
    assert.equal(redirected?.records?.length ?? 0, 0);
    assert.equal((await rawFetch(brokerOf(1), 11, 'a'))?.preferredReadReplica, -1, 'rack a is the leader\'s own');
    assert.ok(((await rawFetch(brokerOf(1), 10, 'c'))?.records?.length ?? 0) > 0);
    const { values, fetchedFrom, consumer } = await consume(kafka, 'ffr-c', 20);
    try {
      assert.deepEqual(values.slice(0, 20), Array.from({ length: 20 }, (_, i) => `v${i}`));
      assert.ok(fetchedFrom.has(brokerOf(3)), `fetched from node 3 (${brokerOf(3)}); went to ${[...fetchedFrom].join(', ')}`);
      assert.ok((await bytesOut(3)) > 0, 'node 3 served the records');
      // Records written now reach the consumer through the follower's HW (the leader's, as fetched).
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'ffr', acks: -1, messages: [{ value: 'later' }] });
      await producer.disconnect();
      await until('the later record read', async () => (values.includes('later') ? true : undefined));
      assert.equal(values.length, 21);
    } finally {
      await consumer.disconnect();
    }
  });

  it('librdkafka (kcat -X client.rack=c) reads the topic from node 3 too', async function () {
    const kcat = await detectKcat();
    if ('problem' in kcat) {
      console.log(`      SKIP: ${kcat.problem}`);
      return this.skip();
    }
    await setUp(RACK_AWARE);
    assert.ok(cluster !== undefined);
    const r = await runProcess(KCAT, ['-b', cluster.bootstrap, '-C', '-t', 'ffr', '-o', 'beginning', '-e', '-J', '-q', '-X', 'client.rack=c', '-X', 'fetch.wait.max.ms=200'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const values = parseJsonLines<{ payload: string | null }>(r.stdout).map((j) => j.payload);
    assert.deepEqual(values, Array.from({ length: 20 }, (_, i) => `v${i}`));
    assert.ok((await bytesOut(3)) > 0, 'node 3 served the records');
  });

  it('without replica.selector.class the same consumer reads from the leader only', async () => {
    const { kafka, brokerOf } = await setUp(null);
    // Followers serve v11+ consumers that come to them anyway (Kafka's fetchOnlyLeader is for v10 and below).
    assert.equal((await rawFetch(brokerOf(3), 10))?.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const direct = await rawFetch(brokerOf(3), 11);
    assert.equal(direct?.errorCode, ErrorCode.NONE);
    assert.ok((direct?.records?.length ?? 0) > 0 && direct?.preferredReadReplica === -1);
    const { values, fetchedFrom, consumer } = await consume(kafka, 'ffr-leader', 20);
    try {
      assert.equal(values.length, 20);
      assert.ok(!fetchedFrom.has(brokerOf(3)) && !fetchedFrom.has(brokerOf(2)), `fetches went only to the leader: ${[...fetchedFrom].join(', ')}`);
    } finally {
      await consumer.disconnect();
    }
  });
});
