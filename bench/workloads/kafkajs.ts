/**
 * Workload 5: kafkajs (the client our users run) producing and consuming, 1 KiB messages, 16
 * partitions. Produce: batches of 1000 messages, 4 sends in flight, acks=1. Consume: kafkajs's fetch
 * path without a group (bench/kafkajs-fetch.ts) draining 16 x 3800 messages preloaded with the
 * librdkafka generator. kafkajs is the user's view, never the yardstick.
 */
import kafkajs from 'kafkajs';
import { kafkajsDrain } from '../kafkajs-fetch.js';
import { runTool } from '../tools.js';
import { type BenchContext, order, push, row, topicName } from './context.js';
import type { Row } from '../report.js';

const BATCH = 1000;
const IN_FLIGHT = 4;

async function kafkajsProduce(bootstrap: string, topic: string, count: number): Promise<number> {
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(1024, 'x');
  const messages = Array.from({ length: BATCH }, () => ({ value }));
  const t0 = performance.now();
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < count) {
      sent += BATCH;
      await producer.send({ topic, acks: 1, messages });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const secs = (performance.now() - t0) / 1000;
  await producer.disconnect();
  return (sent * 1024) / secs / 1e6;
}

export async function kafkajsWorkload(ctx: BenchContext): Promise<Row[]> {
  const produce = row('5. kafkajs produce 1 KiB acks=1 16p', 'MB/s', true, { limit: 'loopbackTcpMBps' });
  const consume = row('5. kafkajs consume 1 KiB 16p', 'MB/s', true, { limit: 'loopbackTcpMBps' });
  const preload = 16 * 3800;
  for (let run = 0; run < ctx.sizes.runs; run++) {
    for (const kind of order(run)) {
      const broker = ctx.brokers[kind];
      const pTopic = topicName('kafkajs-produce');
      await broker.createTopic(pTopic, 16);
      const mbps = await kafkajsProduce(broker.bootstrap, pTopic, ctx.sizes.kafkajsMessages);
      push(produce, kind, mbps);
      const cTopic = topicName('kafkajs-consume');
      await broker.createTopic(cTopic, 16);
      await runTool(ctx.tools, 'producer-perf', [broker.bootstrap, cTopic, preload, 1024, 0, 'acks=1', 'bench.partitions=16']);
      const t0 = performance.now();
      const bytes = await kafkajsDrain(broker.bootstrap, cTopic, 16, preload);
      const cmbps = bytes / ((performance.now() - t0) / 1000) / 1e6;
      push(consume, kind, cmbps);
      ctx.log(`  run ${run + 1} ${kind} kafkajs: produce ${mbps.toFixed(1)} MB/s, consume ${cmbps.toFixed(1)} MB/s`);
    }
  }
  return [produce, consume];
}
