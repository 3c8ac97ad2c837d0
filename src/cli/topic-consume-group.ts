/**
 * `topic consume --group`: a kafkajs consumer in the group (see topic-consume.ts for why kafkajs).
 * Offsets are resolved one record at a time, only for records printed, and committed when the run
 * ends (-n reached, Ctrl-C), so a restart continues exactly after the last record printed.
 */
import kafkajs from 'kafkajs';
import { CompressionType } from '../protocol/records/batch-header.js';
import { compress, decompress } from '../protocol/records/compression.js';
import type { Connection } from './args.js';
import type { ConsumePlan } from './consume-plan.js';
import { Progress, stderr } from './output.js';

const { Kafka, logLevel, CompressionCodecs, CompressionTypes } = kafkajs;

/**
 * kafkajs reads only gzip by itself: snappy, lz4 and zstd batches are opened with the codecs the
 * broker uses (protocol/records/compression.ts), so a group consume reads whatever producers wrote.
 */
function registerCodecs(): void {
  for (const [kafkajsType, ours] of [[CompressionTypes.Snappy, CompressionType.Snappy], [CompressionTypes.LZ4, CompressionType.Lz4], [CompressionTypes.ZSTD, CompressionType.Zstd]] as const) {
    CompressionCodecs[kafkajsType] = () => ({
      compress: (encoder: { buffer: Buffer }) => compress(ours, encoder.buffer),
      decompress: (buffer: Buffer) => decompress(ours, buffer),
    });
  }
}

export async function consumeInGroup(conn: Connection, group: string, pl: ConsumePlan, onStop: (fn: () => void) => void): Promise<number> {
  registerCodecs();
  const kafka = new Kafka({ clientId: conn.properties.get('client.id') ?? 'tributary-cli', brokers: conn.brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: group, readUncommitted: pl.isolationLevel === 0, allowAutoTopicCreation: false });
  const progress = new Progress('consumed', pl.count, stderr, Date.now, true);
  let n = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  onStop(() => finish());
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [pl.topic], fromBeginning: pl.start.kind === 'earliest' });
    let crashed: Error | undefined;
    consumer.on(consumer.events.CRASH, (e: { payload: { error: Error & { type?: string }; restart: boolean } }) => {
      // A retriable error (a coordinator still loading): kafkajs restarts the consumer itself.
      if (e.payload.restart) return;
      const err = e.payload.error;
      crashed = new Error(`group ${group}: ${err.type !== undefined ? `${err.type}: ` : ''}${err.message}`);
      finish();
    });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isRunning, isStale, commitOffsetsIfNecessary }) => {
        for (const m of batch.messages) {
          if ((pl.count !== null && n >= pl.count) || !isRunning() || isStale()) break;
          pl.print({
            topic: batch.topic, partition: batch.partition, offset: Number(m.offset), timestamp: Number(m.timestamp),
            key: m.key ?? null, value: m.value ?? null,
            headers: Object.entries(m.headers ?? {}).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((x) => ({ key, value: x === undefined ? null : Buffer.from(x) }))),
          });
          resolveOffset(m.offset);
          n++;
          progress.update(n);
        }
        await commitOffsetsIfNecessary();
        if (pl.count !== null && n >= pl.count) finish();
      },
    });
    await finished;
    if (crashed !== undefined) throw crashed;
  } finally {
    progress.done();
    // disconnect() stops the consumer and commits the offsets resolved so far.
    await consumer.disconnect();
  }
  return n;
}
