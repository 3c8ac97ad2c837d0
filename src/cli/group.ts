/**
 * `tributary group list|describe|seek|delete`: kafka-consumer-groups.sh. Seek moves a group's
 * committed offsets (to the earliest or latest offset, a date-time, a timestamp, an offset, or by
 * --shift-by), clamped to each partition's [log start, log end] as Kafka's tool does; it prints the
 * plan and changes nothing unless --execute, and then only when the group has no active members.
 */
import { commitOffsets, committedOffsets, deleteGroup, describeGroup, listGroups } from '../client/admin-groups.js';
import type { KafkaCluster } from '../client/cluster.js';
import { KafkaError } from '../client/kafka-error.js';
import { EARLIEST, LATEST, listOffsets } from '../client/records.js';
import { flag, str, strs, UsageError, type Parsed } from './args.js';
import { withCluster, type Command } from './command.js';
import { fields, json, Progress, stdout, table } from './output.js';
import { parseTimestamp } from './topic-consume.js';

function oneGroup(p: Parsed): string {
  const [g, ...rest] = p.positionals;
  if (g === undefined || rest.length > 0) throw new UsageError('name exactly one group');
  return g;
}

const list: Command = {
  words: ['group', 'list'],
  summary: 'list consumer groups',
  usage: '[--json]',
  details: '',
  examples: ['tributary group list'],
  options: {},
  run: (p) => withCluster(p, async (c) => {
    const gs = await listGroups(c);
    if (flag(p.values, 'json')) json(gs);
    else table(['GROUP', 'STATE', 'PROTOCOL-TYPE'], gs.map((g) => [g.group, g.state, g.protocolType]));
    return 0;
  }),
};

interface OffsetRow {
  topic: string;
  partition: number;
  committed: number | null;
  logEnd: number;
  lag: number | null;
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

async function offsetRows(c: KafkaCluster, group: string, members: Awaited<ReturnType<typeof describeGroup>>['members']): Promise<OffsetRow[]> {
  const committed = await committedOffsets(c, group);
  const owner = new Map<string, (typeof members)[number]>();
  for (const m of members) for (const a of m.assignment) owner.set(`${a.topic}\0${a.partition}`, m);
  const keys = new Map<string, { topic: string; partition: number }>();
  for (const o of committed) keys.set(`${o.topic}\0${o.partition}`, o);
  for (const m of members) for (const a of m.assignment) keys.set(`${a.topic}\0${a.partition}`, a);
  const topics = [...new Set([...keys.values()].map((k) => k.topic))].sort();
  const ends = new Map<string, Map<number, number>>();
  for (const t of topics) ends.set(t, await listOffsets(c, t, [...keys.values()].filter((k) => k.topic === t).map((k) => k.partition), LATEST));
  return [...keys.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition).map(({ topic, partition }) => {
    const k = `${topic}\0${partition}`;
    const cur = committed.find((o) => o.topic === topic && o.partition === partition)?.offset ?? null;
    const logEnd = ends.get(topic)?.get(partition) ?? -1;
    const m = owner.get(k);
    return { topic, partition, committed: cur, logEnd, lag: cur === null ? null : Math.max(0, logEnd - cur), memberId: m?.memberId ?? null, clientId: m?.clientId ?? null, host: m?.host ?? null };
  });
}

const describe: Command = {
  words: ['group', 'describe'],
  summary: 'a group\'s state, members, committed offsets and lag',
  usage: '<group> [--json]',
  details: '',
  examples: ['tributary group describe billing', 'tributary group describe billing --json | jq \'.offsets[] | select(.lag > 0)\''],
  options: {},
  run: (p) => withCluster(p, async (c) => {
    const group = oneGroup(p);
    const d = await describeGroup(c, group);
    if (d.state === 'Dead') throw new KafkaError(`group ${group}`, 69, `Consumer group '${group}' does not exist.`);
    const offsets = await offsetRows(c, group, d.members);
    if (flag(p.values, 'json')) {
      json({ group, state: d.state, protocolType: d.protocolType, protocol: d.protocol, members: d.members, offsets });
      return 0;
    }
    fields([['Group', group], ['State', d.state], ['Protocol', `${d.protocolType || '-'}/${d.protocol || '-'}`], ['Members', d.members.length]]);
    stdout.write('\n');
    table(['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      offsets.map((o) => [o.topic, o.partition, o.committed, o.logEnd, o.lag, o.memberId, o.host, o.clientId]));
    return 0;
  }),
};

type Target = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: number } | { kind: 'timestamp'; ms: number } | { kind: 'shift'; by: number };

function target(p: Parsed): Target {
  const given: Target[] = [];
  if (flag(p.values, 'to-earliest')) given.push({ kind: 'earliest' });
  if (flag(p.values, 'to-latest')) given.push({ kind: 'latest' });
  const num = (name: string): number | undefined => {
    const s = str(p.values, name);
    if (s === undefined) return undefined;
    if (!/^-?\d+$/.test(s)) throw new UsageError(`--${name} must be an integer, not '${s}'`);
    return Number(s);
  };
  const off = num('to-offset');
  if (off !== undefined) given.push({ kind: 'offset', offset: off });
  const shift = num('shift-by');
  if (shift !== undefined) given.push({ kind: 'shift', by: shift });
  const dt = str(p.values, 'to-datetime');
  if (dt !== undefined) given.push({ kind: 'timestamp', ms: parseTimestamp(dt, '--to-datetime') });
  const ts = str(p.values, 'to-timestamp');
  if (ts !== undefined) given.push({ kind: 'timestamp', ms: parseTimestamp(ts, '--to-timestamp') });
  if (given.length !== 1) throw new UsageError('seek needs exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --to-timestamp, --shift-by');
  return given[0] as Target;
}

/** `orders` or `orders:0,2` → topic and partitions (null: all). */
function topicSpecs(p: Parsed): { topic: string; partitions: number[] | null }[] {
  return strs(p.values, 'topic').map((s) => {
    const [topic = '', parts] = s.split(':');
    if (parts === undefined) return { topic, partitions: null };
    const partitions = parts.split(',').map(Number);
    if (partitions.some((x) => !Number.isInteger(x) || x < 0)) throw new UsageError(`--topic '${s}': partitions are a comma-separated list of numbers`);
    return { topic, partitions };
  });
}

interface SeekRow { group: string; topic: string; partition: number; previous: number | null; offset: number }

async function seekPlan(c: KafkaCluster, group: string, specs: { topic: string; partitions: number[] | null }[], t: Target): Promise<SeekRow[]> {
  const committed = await committedOffsets(c, group);
  const rows: SeekRow[] = [];
  const progress = new Progress('resolving offsets of topic', specs.length);
  for (const [i, s] of specs.entries()) {
    const leaders = await c.leaders(s.topic);
    const parts = s.partitions ?? [...leaders.keys()].sort((a, b) => a - b);
    for (const x of parts) if (!leaders.has(x)) throw new KafkaError(`topic ${s.topic} partition ${x}`, 3, null);
    const start = await listOffsets(c, s.topic, parts, EARLIEST);
    const end = await listOffsets(c, s.topic, parts, LATEST);
    const byTime = t.kind === 'timestamp' ? await listOffsets(c, s.topic, parts, BigInt(t.ms)) : null;
    for (const x of parts) {
      const lo = start.get(x) ?? 0;
      const hi = end.get(x) ?? 0;
      const previous = committed.find((o) => o.topic === s.topic && o.partition === x)?.offset ?? null;
      const want = t.kind === 'earliest' ? lo : t.kind === 'latest' ? hi : t.kind === 'offset' ? t.offset
        : t.kind === 'shift' ? (previous ?? hi) + t.by : (byTime?.get(x) ?? hi);
      rows.push({ group, topic: s.topic, partition: x, previous, offset: Math.min(hi, Math.max(lo, want)) });
    }
    progress.update(i + 1);
  }
  progress.done();
  return rows;
}

const seek: Command = {
  words: ['group', 'seek'],
  summary: 'move a group\'s committed offsets (dry run unless --execute)',
  usage: '<group> (--topic <t>[:<p>,..] | --all-topics) <where> [--execute]\n  where: --to-earliest | --to-latest | --to-offset N | --to-datetime ISO | --to-timestamp MS\n         | --shift-by N',
  details: `  --topic T[:P,P]             a topic (or some of its partitions) to move (repeatable)
  --all-topics                every topic the group has committed offsets for
  --to-earliest, --to-latest  the log start or the log end
  --to-offset N               offset N (clamped to the partition's range)
  --to-datetime ISO           the first offset at or after ISO-8601 time (no zone: UTC, as Kafka)
  --to-timestamp MS           the same with milliseconds since the epoch
  --shift-by N                N past (or, negative, before) the committed offset
  --execute                   commit the new offsets (the group must have no active members)`,
  examples: [
    'tributary group seek billing --topic orders --to-datetime 2026-01-31T00:00:00Z',
    'tributary group seek billing --all-topics --shift-by -100 --execute',
  ],
  options: {
    topic: { type: 'string', short: 't', multiple: true }, 'all-topics': { type: 'boolean' }, 'to-earliest': { type: 'boolean' }, 'to-latest': { type: 'boolean' },
    'to-offset': { type: 'string' }, 'to-datetime': { type: 'string' }, 'to-timestamp': { type: 'string' }, 'shift-by': { type: 'string' }, execute: { type: 'boolean' },
  },
  run: (p) => withCluster(p, async (c) => {
    const group = oneGroup(p);
    const t = target(p);
    let specs = topicSpecs(p);
    if (flag(p.values, 'all-topics') === (specs.length > 0)) throw new UsageError('seek needs either --topic or --all-topics');
    if (flag(p.values, 'all-topics')) specs = [...new Set((await committedOffsets(c, group)).map((o) => o.topic))].map((topic) => ({ topic, partitions: null }));
    const execute = flag(p.values, 'execute');
    if (execute) {
      const d = await describeGroup(c, group);
      if (d.state !== 'Empty' && d.state !== 'Dead') {
        throw new Error(`group ${group}: Assignments can only be reset if the group '${group}' is inactive, but the current state is ${d.state}.`);
      }
    }
    const rows = await seekPlan(c, group, specs, t);
    if (execute && rows.length > 0) await commitOffsets(c, group, rows);
    if (flag(p.values, 'json')) json(rows.map((r) => ({ ...r, executed: execute })));
    else {
      table(['GROUP', 'TOPIC', 'PARTITION', 'PREVIOUS-OFFSET', 'NEW-OFFSET'], rows.map((r) => [r.group, r.topic, r.partition, r.previous, r.offset]));
      if (!execute) process.stderr.write('Dry run: nothing changed; add --execute to commit these offsets.\n');
    }
    return 0;
  }),
};

const del: Command = {
  words: ['group', 'delete'],
  summary: 'delete groups (they must have no active members)',
  usage: '<group>...',
  details: '',
  examples: ['tributary group delete billing'],
  options: {},
  run: (p) => withCluster(p, async (c) => {
    if (p.positionals.length === 0) throw new UsageError('delete needs a group');
    for (const g of p.positionals) await deleteGroup(c, g);
    if (flag(p.values, 'json')) json(p.positionals.map((group) => ({ group, deleted: true })));
    else for (const g of p.positionals) stdout.write(`Deleted group ${g}\n`);
    return 0;
  }),
};

export const GROUP_COMMANDS: readonly Command[] = [list, describe, seek, del];
