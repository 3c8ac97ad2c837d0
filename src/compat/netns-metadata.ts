/**
 * One Metadata round trip made from inside a network namespace, for brokers the test process
 * cannot reach from its own namespace (the fault runs' nodes live in namespaces of their own, joined
 * only to each other: compat-tests/chaos/support/netns-lab.ts). The caller runs this file as a
 * child, `ip netns exec <ns> node netns-metadata.js <bootstrap> <topics JSON>`, which prints one
 * JSON line (a MetadataView) and exits 0, or exits 1 when the broker did not answer.
 *
 * Used by jvm/kafka-process.ts to know when a Kafka node in a namespace serves, and by the fault
 * runs to find which node leads which partition.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WireClient } from '../client/wire-client.js';

const SELF = fileURLToPath(import.meta.url);

/** What a fault run or a readiness check needs from a Metadata response. */
export interface MetadataView {
  readonly clusterId: string | null;
  readonly controllerId: number;
  /** The node ids the answering broker lists (in KRaft: the registered, unfenced brokers). */
  readonly brokers: readonly number[];
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly leader: number; readonly isr: readonly number[]; readonly errorCode: number }[];
}

/** Metadata for `topics` (null: all) from `bootstrap` as seen in namespace `ns`; null when it does not answer within timeoutMs. */
export function metadataInNetns(ns: string, bootstrap: string, topics: readonly string[] | null, timeoutMs = 5_000): Promise<MetadataView | null> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, process.execPath, SELF, bootstrap, JSON.stringify(topics), String(timeoutMs)], { timeout: timeoutMs + 10_000, killSignal: 'SIGKILL' }, (err, stdout) => {
      if (err !== null) return resolve(null);
      try {
        resolve(JSON.parse(stdout.trim()) as MetadataView);
      } catch {
        resolve(null);
      }
    });
  });
}

async function main(bootstrap: string, topics: readonly string[] | null, timeoutMs: number): Promise<MetadataView> {
  const w = await WireClient.connect(bootstrap, timeoutMs);
  try {
    const md = await w.metadata(topics);
    return {
      clusterId: md.clusterId ?? null,
      controllerId: md.controllerId ?? -1,
      brokers: md.brokers.map((b) => b.nodeId).sort((a, b) => a - b),
      partitions: md.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name ?? '', partition: p.partitionIndex, leader: p.leaderId, isr: p.isrNodes, errorCode: p.errorCode }))),
    };
  } finally {
    w.close();
  }
}

if (process.argv[1] === SELF) {
  const [bootstrap = '', topics = 'null', timeoutMs = '5000'] = process.argv.slice(2);
  main(bootstrap, JSON.parse(topics) as string[] | null, Number(timeoutMs)).then(
    (view) => process.stdout.write(`${JSON.stringify(view)}\n`, () => process.exit(0)),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
