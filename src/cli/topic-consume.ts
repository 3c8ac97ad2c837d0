/**
 * `tributary topic consume <topic>`: records to stdout, as kafka-console-consumer and kcat -C.
 *
 * Without --group it reads partitions directly (ListOffsets for the start, then Fetch from each
 * partition's leader, through the shared client's codecs): from the beginning, the end, an offset, or
 * a timestamp. With --group it joins the group through kafkajs (the group protocol, rebalances and
 * commits are a client's whole job; a second hand-written group client would be the duplication the
 * shared client exists to avoid), starting where the group's committed offsets say.
 *
 * Stops after -n records, at the end of the partitions with -e, or on Ctrl-C; with a group, the
 * offsets of every record printed are committed before it exits (and none past them).
 */
import type { KafkaCluster } from '../client/cluster.js';
import { EARLIEST, fetchPartition, LATEST, listOffsets } from '../client/records.js';
import { connection, flag, int, str, UsageError, type Parsed } from './args.js';
import { withCluster, type Command } from './command.js';
import { formatter, recordJson, type FormattedRecord } from './format.js';
import { onStdoutClosed, Progress, stderr, stdout } from './output.js';
import { consumeInGroup } from './topic-consume-group.js';
import type { ConsumePlan } from './consume-plan.js';

/** A timestamp option: milliseconds since the epoch, or an ISO-8601 date-time. */
export function parseTimestamp(s: string, what: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  // No zone means UTC, as Kafka's tools read it (Utils.getDateTime), not local time as Date.parse would.
  const time = s.split('T')[1];
  const ms = Date.parse(time !== undefined && !/[Z+-]/.test(time) ? `${s}Z` : s);
  if (Number.isNaN(ms)) throw new UsageError(`${what}: '${s}' is neither milliseconds nor an ISO-8601 date-time (2026-01-31T12:00:00Z)`);
  return ms;
}

function startOf(p: Parsed): ConsumePlan['start'] {
  const ts = str(p.values, 'from-timestamp');
  const o = str(p.values, 'offset');
  if (ts !== undefined && o !== undefined) throw new UsageError('--offset and --from-timestamp exclude each other');
  if (ts !== undefined) return { kind: 'timestamp', ms: parseTimestamp(ts, '--from-timestamp') };
  if (o === undefined || o === 'end' || o === 'latest') return flag(p.values, 'from-beginning') ? { kind: 'earliest' } : { kind: 'latest' };
  if (o === 'beginning' || o === 'earliest') return { kind: 'earliest' };
  if (/^\d+$/.test(o)) return { kind: 'offset', offset: Number(o) };
  if (/^-\d+$/.test(o)) return { kind: 'relative', back: -Number(o) };
  throw new UsageError(`--offset must be beginning, end, an offset or -N (N before the end), not '${o}'`);
}

function printer(p: Parsed): (r: FormattedRecord) => void {
  if (flag(p.values, 'json')) return (r) => stdout.write(JSON.stringify(recordJson(r)) + '\n');
  const f = formatter(str(p.values, 'format') ?? '%v\\n');
  return (r) => stdout.write(f(r));
}

function plan(p: Parsed): ConsumePlan {
  const [topic, ...rest] = p.positionals;
  if (topic === undefined || rest.length > 0) throw new UsageError('consume needs exactly one topic');
  return {
    topic,
    partitions: p.values['partition'] === undefined ? null : [int(p.values, 'partition', 0, 0)],
    start: startOf(p),
    count: p.values['count'] === undefined ? null : int(p.values, 'count', 0, 1),
    exitAtEnd: flag(p.values, 'exit'),
    isolationLevel: flag(p.values, 'read-committed') ? 1 : 0,
    print: printer(p),
  };
}

async function startOffsets(c: KafkaCluster, pl: ConsumePlan, partitions: number[]): Promise<Map<number, number>> {
  const s = pl.start;
  if (s.kind === 'offset') return new Map(partitions.map((x) => [x, s.offset]));
  if (s.kind === 'timestamp') return listOffsets(c, pl.topic, partitions, BigInt(s.ms), pl.isolationLevel);
  const earliest = await listOffsets(c, pl.topic, partitions, EARLIEST, pl.isolationLevel);
  if (s.kind === 'earliest') return earliest;
  const latest = await listOffsets(c, pl.topic, partitions, LATEST, pl.isolationLevel);
  if (s.kind === 'latest') return latest;
  return new Map(partitions.map((x) => [x, Math.max(earliest.get(x) ?? 0, (latest.get(x) ?? 0) - s.back)]));
}

/** Reads partitions directly (no group) until -n, -e's end, or `stop`. */
async function consumeDirect(c: KafkaCluster, pl: ConsumePlan, stop: () => boolean): Promise<number> {
  const leaders = await c.leaders(pl.topic);
  const partitions = pl.partitions ?? [...leaders.keys()].sort((a, b) => a - b);
  for (const x of partitions) if (!leaders.has(x)) throw new UsageError(`topic ${pl.topic} has no partition ${x}`);
  const next = await startOffsets(c, pl, partitions);
  const atEnd = new Set<number>();
  const progress = new Progress('consumed', pl.count, stderr, Date.now, true);
  let n = 0;
  while (!stop() && (pl.count === null || n < pl.count) && !(pl.exitAtEnd && atEnd.size === partitions.length)) {
    let any = false;
    for (const x of partitions) {
      if (stop() || (pl.count !== null && n >= pl.count)) break;
      const from = next.get(x) ?? 0;
      // Wait for data only when no partition had any this round: one slow partition never delays the others.
      const r = await fetchPartition(c, pl.topic, x, leaders.get(x) ?? -1, from, { maxWaitMs: any ? 0 : 200, isolationLevel: pl.isolationLevel });
      for (const rec of r.records) {
        if (pl.count !== null && n >= pl.count) break;
        pl.print(rec);
        n++;
        next.set(x, rec.offset + 1);
      }
      if (pl.count === null || n < pl.count) next.set(x, Math.max(next.get(x) ?? 0, r.nextOffset));
      if (r.records.length > 0) any = true;
      if ((next.get(x) ?? 0) >= r.highWatermark) atEnd.add(x);
      else atEnd.delete(x);
      progress.update(n);
    }
  }
  progress.done();
  return n;
}

export const consumeCommand: Command = {
  words: ['topic', 'consume'],
  summary: 'print records',
  usage: '<topic> [-o beginning|end|<offset>|-<n>] [--from-timestamp <ts>]\n         [-g <group>] [-n <count>] [-p N] [-e] [--format <template>] [--json] [--read-committed]',
  details: `  -o, --offset WHERE          beginning, end (default), an offset, or -N (N before the end);
                              with --group: where to start when the group has no offset
  --from-beginning            same as -o beginning
  --from-timestamp TS         the first records at or after TS (ms or ISO-8601)
  -g, --group GROUP           consume as a member of GROUP; offsets committed on exit
  -n, --count N               exit after N records
  -p, --partition N           only partition N (no --group)
  -e, --exit                  exit at the end of the partitions (no --group)
  --format TEMPLATE           %t topic %p partition %o offset %T timestamp %k key %v value
                              %h headers %K/%S key/value size (default '%v\\n')
  --json                      one JSON object per record
  --read-committed            skip aborted transactions' records; stop at the LSO`,
  examples: [
    'tributary topic consume orders --from-beginning -n 10',
    "tributary topic consume orders -o -5 -e --format '%p/%o %k=%v\\n'",
    'tributary topic consume orders -g billing --json | jq .value',
    'tributary topic consume orders --from-timestamp 2026-01-31T00:00:00Z -e',
  ],
  options: {
    offset: { type: 'string', short: 'o' }, 'from-beginning': { type: 'boolean' }, 'from-timestamp': { type: 'string' },
    group: { type: 'string', short: 'g' }, count: { type: 'string', short: 'n' }, partition: { type: 'string', short: 'p' },
    exit: { type: 'boolean', short: 'e' }, format: { type: 'string' }, 'read-committed': { type: 'boolean' },
  },
  run: async (p) => {
    const pl = plan(p);
    let stopped = false;
    const stopFns: (() => void)[] = [];
    const onSignal = (): void => {
      stopped = true;
      for (const fn of stopFns) fn();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    onStdoutClosed(onSignal);
    try {
      const group = str(p.values, 'group');
      let n: number;
      if (group !== undefined) {
        if (pl.partitions !== null || pl.exitAtEnd) throw new UsageError('--partition and --exit read without a group; with --group, use -n or Ctrl-C');
        if (pl.start.kind !== 'earliest' && pl.start.kind !== 'latest') throw new UsageError('with --group, -o is beginning or end (where to start without a committed offset); move a group with `tributary group seek`');
        // A missing topic is an error now, as without a group, not a consumer waiting for it forever.
        await withCluster(p, (c) => c.leaders(pl.topic));
        n = await consumeInGroup(connection(p.values), group, pl, (fn) => stopFns.push(fn));
      } else {
        n = await withCluster(p, (c) => consumeDirect(c, pl, () => stopped));
      }
      if (!flag(p.values, 'json') && process.stderr.isTTY) process.stderr.write(`Processed ${n} record${n === 1 ? '' : 's'}\n`);
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

