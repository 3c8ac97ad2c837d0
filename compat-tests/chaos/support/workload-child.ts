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
 * Both end with `done`.
 */
import { Kafka, logLevel } from 'kafkajs';

interface Spec {
  mode: 'produce' | 'read';
  brokers: string[];
  topic: string;
  partitions: number;
  rounds?: number;
  batch?: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const kafka = new Kafka({ clientId: 'fault-run', brokers: spec.brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 3000 } });

async function produce(): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
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

(spec.mode === 'produce' ? produce() : read()).then(
  // Exit only once stdout is flushed: a pipe the test reads slowly would lose the tail otherwise.
  () => process.stdout.write('done\n', () => process.exit(0)),
  (e: unknown) => {
    process.stderr.write(`workload failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
