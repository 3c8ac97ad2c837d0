/**
 * `tributary topic produce <topic>`: lines from stdin or a file become records, as
 * kafka-console-producer and kcat -P do. A line is the value, or `key<sep>value` with
 * --key-separator, or whatever --format's template captures (%k %v %h %p). Keyed records go to the
 * partition Kafka's default partitioner picks (murmur2); keyless ones round-robin; -p fixes one.
 *
 * Records are sent in batches (one Produce per partition per --batch-size records, through the
 * shared client's codecs), in input order per partition; a failed batch stops the run with exit 1.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { KafkaCluster } from '../client/cluster.js';
import { systemClock } from '../io/clock.js';
import { partitionForKey } from '../client/partitioner.js';
import { produceBatch } from '../client/records.js';
import { CompressionType } from '../protocol/records/batch-header.js';
import type { RecordInput } from '../protocol/records/record-batch-builder.js';
import { flag, int, str, strs, UsageError, type Parsed } from './args.js';
import { withCluster, type Command } from './command.js';
import { lineParser, parseHeaders, unescape, type ParsedLine } from './format.js';
import { json, Progress } from './output.js';

const COMPRESSION: Record<string, CompressionType> = {
  none: CompressionType.None, gzip: CompressionType.Gzip, snappy: CompressionType.Snappy, lz4: CompressionType.Lz4, zstd: CompressionType.Zstd,
};

function acksOf(s: string | undefined): number {
  if (s === undefined || s === 'all' || s === '-1') return -1;
  if (s === '0' || s === '1') return Number(s);
  throw new UsageError(`--acks must be all, -1, 0 or 1, not '${s}'`);
}

interface Plan {
  readonly topic: string;
  readonly parse: (line: string) => ParsedLine;
  readonly headers: { key: string; value: string }[];
  readonly partition: number | undefined;
  readonly acks: number;
  readonly compression: CompressionType;
  readonly batchSize: number;
}

function plan(p: Parsed): Plan {
  const [topic, ...rest] = p.positionals;
  if (topic === undefined || rest.length > 0) throw new UsageError('produce needs exactly one topic');
  const format = str(p.values, 'format');
  const sep = str(p.values, 'key-separator');
  if (format !== undefined && sep !== undefined) throw new UsageError('--format and --key-separator exclude each other');
  const compression = COMPRESSION[str(p.values, 'compression') ?? 'none'];
  if (compression === undefined) throw new UsageError(`--compression must be one of ${Object.keys(COMPRESSION).join(', ')}`);
  const separator = sep === undefined ? undefined : unescape(sep);
  const parse = format !== undefined ? lineParser(format) : separator === undefined ? (line: string) => ({ value: line }) : (line: string): ParsedLine => {
    const i = line.indexOf(separator);
    if (i < 0) throw new UsageError(`input line has no key separator '${sep}': ${line.slice(0, 80)}`);
    return { key: line.slice(0, i), value: line.slice(i + separator.length) };
  };
  return {
    topic, parse, compression,
    headers: strs(p.values, 'header').flatMap(parseHeaders),
    partition: p.values['partition'] === undefined ? undefined : int(p.values, 'partition', 0, 0),
    acks: acksOf(str(p.values, 'acks')),
    batchSize: int(p.values, 'batch-size', 1000, 1, 100_000),
  };
}

async function produce(c: KafkaCluster, pl: Plan, input: NodeJS.ReadableStream): Promise<number> {
  const leaders = await c.leaders(pl.topic);
  // Only now: readline reads as soon as it exists, and lines read before the loop below would be lost.
  const lines = createInterface({ input, crlfDelay: Infinity });
  const count = leaders.size;
  if (pl.partition !== undefined && !leaders.has(pl.partition)) throw new UsageError(`topic ${pl.topic} has no partition ${pl.partition} (it has ${count})`);
  const pending = new Map<number, RecordInput[]>();
  const progress = new Progress('produced', null);
  let sent = 0;
  let roundRobin = 0;
  const flush = async (partition: number): Promise<void> => {
    const records = pending.get(partition) ?? [];
    if (records.length === 0) return;
    pending.set(partition, []);
    await produceBatch(c, pl.topic, partition, leaders.get(partition) ?? -1, records, { acks: pl.acks, compression: pl.compression });
    sent += records.length;
    progress.update(sent);
  };
  for await (const line of lines) {
    const r = pl.parse(line);
    const key = r.key === undefined ? null : Buffer.from(r.key);
    const partition = r.partition ?? pl.partition ?? (key !== null ? partitionForKey(key, count) : roundRobin++ % count);
    if (!leaders.has(partition)) throw new UsageError(`topic ${pl.topic} has no partition ${partition}`);
    const batch = pending.get(partition) ?? [];
    batch.push({ key, value: r.value ?? null, headers: [...pl.headers, ...(r.headers ?? [])], timestamp: systemClock.nowMs() });
    pending.set(partition, batch);
    if (batch.length >= pl.batchSize) await flush(partition);
  }
  for (const partition of pending.keys()) await flush(partition);
  progress.done();
  return sent;
}

export const produceCommand: Command = {
  words: ['topic', 'produce'],
  summary: 'write lines from stdin or a file as records',
  usage: '<topic> [-f <file>] [-k <sep>] [-H <k>=<v>]... [-p N] [-z <codec>]\n         [--acks all|1|0] [--format <template>]',
  details: `  -f, --file FILE             read lines from FILE (default: stdin)
  -k, --key-separator SEP     split each line into key SEP value (\\t for a tab)
  -H, --header key=value      a header on every record (repeatable)
  -p, --partition N           write every record to partition N
  -z, --compression CODEC     none, gzip, snappy, lz4, zstd (default none)
  --acks all|1|0              acknowledgement (default all)
  --format TEMPLATE           parse each line with a template: %k %v %h (k=v,k=v) %p
  --batch-size N              records per Produce request and partition (default 1000)`,
  examples: [
    'echo hello | tributary topic produce greetings',
    'tributary topic produce orders -k : -f orders.txt          # lines like id42:{"qty":1}',
    "tributary topic produce orders --format '%k\\t%h\\t%v'       # key, headers, value",
  ],
  options: {
    file: { type: 'string', short: 'f' }, 'key-separator': { type: 'string', short: 'k' }, header: { type: 'string', short: 'H', multiple: true },
    partition: { type: 'string', short: 'p' }, compression: { type: 'string', short: 'z' }, acks: { type: 'string' }, format: { type: 'string' },
    'batch-size': { type: 'string' },
  },
  run: async (p) => {
    const pl = plan(p);
    const file = str(p.values, 'file');
    const input = file === undefined ? process.stdin : createReadStream(file);
    return withCluster(p, async (c) => {
      const n = await produce(c, pl, input);
      if (flag(p.values, 'json')) json({ topic: pl.topic, records: n });
      else process.stderr.write(`Produced ${n} record${n === 1 ? '' : 's'} to ${pl.topic}\n`);
      return 0;
    });
  },
};
