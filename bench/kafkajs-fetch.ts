/**
 * kafkajs's own fetch path without a consumer group (Tributary serves no group APIs yet, and
 * kafkajs's public consumer needs one): kafkajs's internal Cluster, as its consumer uses it, fetching
 * every partition from offset 0 and decoding every record batch.
 */
import { createRequire } from 'node:module';

interface FetchedPartition {
  partition: number;
  errorCode: number;
  messages: { offset: string; value: Buffer | null }[];
}
interface FetchResponse {
  topicName: string;
  partitions: FetchedPartition[];
}
interface KafkajsBroker {
  fetch(req: {
    replicaId: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{ responses: FetchResponse[] }>;
}
interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(q: { nodeId: string }): Promise<KafkajsBroker>;
}
type ClusterCtor = new (opts: Record<string, unknown>) => KafkajsCluster;

const require = createRequire(import.meta.url);

/** Reads `expected` records from partitions 0..partitions-1 of `topic`; returns bytes of values. */
export async function kafkajsDrain(bootstrap: string, topic: string, partitions: number, expected: number): Promise<number> {
  const Cluster = require('kafkajs/src/cluster') as ClusterCtor;
  const { createLogger, LEVELS } = require('kafkajs/src/loggers') as { createLogger(o: Record<string, unknown>): unknown; LEVELS: Record<string, number> };
  const socketFactory = (require('kafkajs/src/network/socketFactory') as () => unknown)();
  const logger = createLogger({ level: LEVELS['NOTHING'], logCreator: () => () => undefined });
  const cluster = new Cluster({ logger, socketFactory, brokers: [bootstrap], clientId: 'bench', retry: { retries: 5 }, connectionTimeout: 5000, requestTimeout: 30000, enforceRequestTimeout: false, allowAutoTopicCreation: false });
  await cluster.connect();
  await cluster.addTargetTopic(topic);
  const next = new Map<number, bigint>();
  for (let p = 0; p < partitions; p++) next.set(p, 0n);
  const byLeader = cluster.findLeaderForPartitions(topic, [...next.keys()]);
  let got = 0;
  let bytes = 0;
  try {
    while (got < expected) {
      let progress = false;
      for (const [nodeId, parts] of Object.entries(byLeader)) {
        const broker = await cluster.findBroker({ nodeId });
        const res = await broker.fetch({
          replicaId: -1,
          isolationLevel: 0,
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes: 50 * 1024 * 1024,
          topics: [{ topic, partitions: parts.map((p) => ({ partition: p, fetchOffset: String(next.get(p)), maxBytes: 1024 * 1024 })) }],
        });
        for (const t of res.responses) {
          for (const p of t.partitions) {
            if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${p.partition}: error ${p.errorCode}`);
            for (const m of p.messages) {
              const off = BigInt(m.offset);
              if (off < (next.get(p.partition) as bigint)) continue;
              next.set(p.partition, off + 1n);
              got++;
              bytes += m.value?.length ?? 0;
              progress = true;
            }
          }
        }
      }
      if (!progress && got < expected) await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    await cluster.disconnect();
  }
  return bytes;
}
