/**
 * The client side of a fault run, as a child process so it can run inside the lab's client
 * namespace (`ip netns exec <ns> node workload-child.js <json>`). Speaks kafkajs, unmodified.
 *
 *   produce: an idempotent acks=all producer sends `rounds` sends (or, without `rounds`, until it
 *            gets SIGTERM, then finishes the send in flight), each carrying `batch` records
 *            to every partition; record values are `<partition>:<seq>`, seq counting up per
 *            partition. After each send it prints `ack <firstSeq> <count>` (every partition got
 *            seq firstSeq..firstSeq+count-1) or `fail <firstSeq> <count> <error>`; a failed send
 *            is not repeated (a repeat would be the application's duplicate, not the broker's).
 *   read:    reads every partition from the start to the end offsets it finds when it starts,
 *            printing `rec <partition> <offset> <value>`.
 *   group:   a consumer in group `group` reads from the start until SIGTERM, committing as kafkajs
 *            does by default, and prints every commit the client reports: `commit <partition> <offset>`.
 * Both end with `done`.
 */
import { Kafka, logLevel } from 'kafkajs';

interface Spec {
  mode: 'produce' | 'read' | 'group';
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
  for (let round = 0; round < (spec.rounds ?? Number.MAX_SAFE_INTEGER) && !stopping; round++) {
    const first = round * batch;
    const messages = [];
    for (let p = 0; p < spec.partitions; p++) for (let k = 0; k < batch; k++) messages.push({ partition: p, value: `${p}:${first + k}` });
    try {
      await producer.send({ topic: spec.topic, acks: -1, messages });
      process.stdout.write(`ack ${first} ${batch}\n`);
    } catch (e) {
      process.stdout.write(`fail ${first} ${batch} ${String((e as Error).message).replace(/\s+/g, ' ')}\n`);
    }
  }
  await producer.disconnect();
}

async function read(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(spec.topic)).map((o) => [o.partition, Number(o.high)]));
  await admin.disconnect();
  process.stdout.write(`ends ${JSON.stringify([...ends])}\n`);
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

async function consumeInGroup(): Promise<void> {
  // A consumer that gives up (kafkajs crashes it on errors it deems fatal, such as no coordinator
  // found while the node is down) is restarted, as a long-running application configures it.
  const consumer = kafka.consumer({ groupId: spec.group ?? 'fault-run', sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 3000, restartOnFailure: async () => true } });
  consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
    for (const t of e.payload.topics) for (const p of t.partitions) process.stdout.write(`commit ${p.partition} ${p.offset}\n`);
  });
  consumer.on(consumer.events.CRASH, (e) => process.stderr.write(`consumer crashed (restart: ${e.payload.restart}): ${e.payload.error.stack ?? String(e.payload.error)}\n`));
  // Kept alive until SIGTERM even when kafkajs holds no socket or timer (a crashed consumer).
  const keepAlive = setInterval(() => undefined, 1000);
  const stopped = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await connectWithRetry(consumer);
  await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  await consumer.run({ autoCommitInterval: 500, eachMessage: async () => undefined });
  await stopped;
  clearInterval(keepAlive);
  await consumer.disconnect();
}

const modes = { produce, read, group: consumeInGroup };
modes[spec.mode]().then(
  // Exit only once stdout is flushed: a pipe the test reads slowly would lose the tail otherwise.
  () => process.stdout.write('done\n', () => process.exit(0)),
  (e: unknown) => {
    process.stderr.write(`workload failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
