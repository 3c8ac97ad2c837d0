/**
 * The client side of a fault run, as a child process so it can run inside the lab's client
 * namespace (`ip netns exec <ns> node workload-child.js <json>`). Speaks kafkajs, unmodified.
 *
 *   produce: an idempotent acks=all producer writes `rounds` rounds (or, without `rounds`, until
 *            it gets SIGTERM, then finishes the round in flight), each `batch` records to every
 *            partition; record values are `<partition>:<seq>`, seq counting up per partition. A
 *            round is one send per partition, all at once: kafkajs 2.2.4 can resolve a send that
 *            spans several leaders without having written the partitions whose leader moved, during
 *            its retries, to a broker that had already answered (sendMessages.js keeps each
 *            broker's response across retries; tulios/kafkajs#1303, #1798), and a send to one
 *            partition has one leader. After each send it prints `ack <partition> <firstSeq>
 *            <count>` (the partition got seq firstSeq..firstSeq+count-1) or `fail <partition>
 *            <firstSeq> <count> <error>`; a failed send is not repeated (a repeat would be the
 *            application's duplicate, not the broker's).
 *   read:    reads every partition from the start to the end offsets it finds when it starts,
 *            printing `rec <partition> <offset> <value>`.
 *   group:   a consumer in group `group` reads from the start until SIGTERM, committing as kafkajs
 *            does by default, and prints every commit the client reports: `commit <partition> <offset>`.
 *   offsets: watches what the cluster stores for group `group`: OffsetFetch (kafkajs admin) every
 *            ~300 ms until SIGTERM, printing `stored <partition> <offset>` whenever a partition's
 *            offset differs from the last one seen (a failed fetch, during a fault, is skipped).
 * All end with `done`.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { KafkaCluster } from '../../../src/client/cluster.js';
import { LATEST, listOffsets } from '../../../src/client/records.js';

interface Spec {
  mode: 'produce' | 'read' | 'group' | 'offsets';
  group?: string;
  brokers: string[];
  topic: string;
  partitions: number;
  rounds?: number;
  batch?: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const kafka = new Kafka({
  clientId: 'fault-run',
  brokers: spec.brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
  requestTimeout: 10000,
  retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 3000 },
});

/** connect(), tried again while the node is down (a fault may hit a client as it starts). */
async function connectWithRetry(client: { connect(): Promise<void> }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.connect();
    } catch (e) {
      if (attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function produce(): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await connectWithRetry(producer);
  const batch = spec.batch ?? 100;
  let stopping = false;
  process.once('SIGTERM', () => (stopping = true));
  const sendOne = async (p: number, first: number): Promise<void> => {
    const messages = [];
    for (let k = 0; k < batch; k++) messages.push({ partition: p, value: `${p}:${first + k}` });
    try {
      await producer.send({ topic: spec.topic, acks: -1, messages });
      process.stdout.write(`ack ${p} ${first} ${batch}\n`);
    } catch (e) {
      process.stdout.write(`fail ${p} ${first} ${batch} ${String((e as Error).message).replace(/\s+/g, ' ')}\n`);
    }
  };
  for (let round = 0; round < (spec.rounds ?? Number.MAX_SAFE_INTEGER) && !stopping; round++) {
    await Promise.all(Array.from({ length: spec.partitions }, (_, p) => sendOne(p, round * batch)));
  }
  await producer.disconnect();
}

async function read(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(spec.topic)).map((o) => [o.partition, Number(o.high)]));
  await admin.disconnect();
  process.stdout.write(`ends ${JSON.stringify([...ends])}\n`);
  // For a failure's message: the high watermark and the last stable offset, told apart.
  const cluster = await KafkaCluster.connect(spec.brokers);
  try {
    for (const isolation of [0, 1]) {
      const latest = await listOffsets(cluster, spec.topic, null, LATEST, isolation);
      process.stdout.write(`latest ${isolation === 0 ? 'read_uncommitted' : 'read_committed'} ${JSON.stringify([...latest])}\n`);
    }
  } finally {
    cluster.close();
  }
  const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([p]) => p));
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: `fault-run-reader-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const lines = batch.messages.map((m) => `rec ${batch.partition} ${m.offset} ${m.value?.toString() ?? ''}\n`);
          process.stdout.write(lines.join(''));
          const last = batch.messages[batch.messages.length - 1];
          if (last !== undefined && Number(last.offset) + 1 >= (ends.get(batch.partition) ?? 0)) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
}

/**
 * The group consumer. kafkajs restarts a consumer itself only after errors it deems retriable; one
 * that cannot reach any broker when it looks for its coordinator (the node is down or cut off)
 * crashes for good. A long-running application then makes a new consumer: so does this one.
 */
async function consumeInGroup(): Promise<void> {
  // Kept alive until SIGTERM even when kafkajs holds no socket or timer (between consumers).
  const keepAlive = setInterval(() => undefined, 1000);
  let stopping = false;
  const stopped = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  void stopped.then(() => (stopping = true));
  let consumer = await startGroupConsumer();
  const gaveUp = (): Promise<'crashed'> => new Promise((resolve) => consumer.on(consumer.events.CRASH, (e) => e.payload.restart || resolve('crashed')));
  while ((await Promise.race([stopped, gaveUp()])) === 'crashed' && !stopping) {
    // It crashed: its disconnect may fail too, and there is nothing left to clean up then.
    await consumer.disconnect().catch(() => undefined);
    consumer = await startGroupConsumer();
  }
  clearInterval(keepAlive);
  await consumer.disconnect();
}

/** A consumer in the group, running; tried again (bounded) when a fault hits it while it starts. */
async function startGroupConsumer(): Promise<Consumer> {
  for (let attempt = 1; ; attempt++) {
    const consumer = newGroupConsumer();
    try {
      await connectWithRetry(consumer);
      await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
      await consumer.run({ autoCommitInterval: 500, eachMessage: async () => undefined });
      return consumer;
    } catch (e) {
      await consumer.disconnect().catch(() => undefined);
      if (attempt >= 20) throw e;
      process.stderr.write(`group consumer start failed (attempt ${attempt}): ${String(e)}\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function newGroupConsumer(): Consumer {
  const consumer = kafka.consumer({ groupId: spec.group ?? 'fault-run', sessionTimeout: 10_000, heartbeatInterval: 1000 });
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
    for (const t of e.payload.topics) for (const p of t.partitions) process.stdout.write(`commit ${p.partition} ${p.offset}\n`);
  });
  consumer.on(consumer.events.CRASH, (e) => process.stderr.write(`consumer crashed (kafkajs restarts it: ${e.payload.restart}): ${String(e.payload.error)}\n`));
  return consumer;
}

async function watchOffsets(): Promise<void> {
  let stopping = false;
  process.once('SIGTERM', () => (stopping = true));
  const seen = new Map<number, string>();
  let admin = kafka.admin();
  let connected = false;
  while (!stopping) {
    try {
      if (!connected) {
        await admin.connect();
        connected = true;
      }
      const [topic] = await admin.fetchOffsets({ groupId: spec.group ?? 'fault-run', topics: [spec.topic] });
      for (const p of topic?.partitions ?? []) {
        if (seen.get(p.partition) === p.offset) continue;
        seen.set(p.partition, p.offset);
        process.stdout.write(`stored ${p.partition} ${p.offset}\n`);
      }
    } catch (e) {
      process.stderr.write(`offset fetch failed: ${String(e)}\n`);
      // A fresh admin: one that lost every broker does not find them again by itself.
      await admin.disconnect().catch(() => undefined);
      admin = kafka.admin();
      connected = false;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await admin.disconnect();
}

const modes = { produce, read, group: consumeInGroup, offsets: watchOffsets };
modes[spec.mode]().then(
  // Exit only once stdout is flushed: a pipe the test reads slowly would lose the tail otherwise.
  () => process.stdout.write('done\n', () => process.exit(0)),
  (e: unknown) => {
    process.stderr.write(`workload failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
