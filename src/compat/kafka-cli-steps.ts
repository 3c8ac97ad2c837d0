/**
 * Steps the Kafka CLI tools' cells share: the console producer fed lines on stdin, the console
 * consumer printing every field (and the parse of what it prints), kafka-get-offsets' answer, and
 * the run-and-check wrapper. What the tools print is Kafka 4.3.1's format; the cells assert on it.
 */
import assert from 'node:assert/strict';
import type { CompatEnv } from './capability.js';
import type { KafkaCliHandle, KafkaTool, ToolOptions } from './clients/kafka-cli.js';
import { requireGroupApis } from './group-steps.js';
import { assertRanOk, type RunResult } from './process.js';
import type { ConsumedRecord } from './records.js';

/** Runs a tool, asserts it exited 0 in time, returns the result. */
export async function toolOk(env: CompatEnv, cli: KafkaCliHandle, name: KafkaTool, args: readonly string[], opts?: ToolOptions): Promise<RunResult> {
  const r = await cli.tool(env, name, args, opts);
  assertRanOk(r);
  return r;
}

/** Runs a tool that must fail: exit code 1 in time (not a crash or a hang); returns stdout + stderr. */
export async function toolFails(env: CompatEnv, cli: KafkaCliHandle, name: KafkaTool, args: readonly string[], opts?: ToolOptions): Promise<string> {
  const r = await cli.tool(env, name, args, opts);
  assert.ok(!r.timedOut && r.code === 1, `${r.command}: expected exit code 1, got ${r.timedOut ? 'a timeout' : `code ${r.code}`}\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(-2000)}`);
  return r.stdout + r.stderr;
}

/** stdout without the blank lines. */
export function linesOf(r: RunResult): string[] {
  return r.stdout.split('\n').filter((l) => l.trim() !== '');
}

/**
 * kafka-console-producer with keys (`key:value` lines, parse.key / key.separator), headers when
 * `headers` (lines `h1:v1,h2:v2<TAB>key:value`, parse.headers) and any extra arguments
 * (--compression-codec, --command-property acks=…; Kafka 4.3.1 deprecates --producer-property). Every line of `lines` is one record.
 */
export async function consoleProduce(
  env: CompatEnv, cli: KafkaCliHandle, topic: string, lines: readonly string[], opts: { headers?: boolean; extra?: readonly string[] } = {},
): Promise<RunResult> {
  const r = await toolOk(env, cli, 'kafka-console-producer', [
    '--bootstrap-server', env.bootstrap, '--topic', topic,
    '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:',
    ...(opts.headers === true ? ['--reader-property', 'parse.headers=true'] : []),
    ...(opts.extra ?? []),
  ], { input: lines.join('\n') + '\n', timeoutMs: 60_000 });
  // The producer prints a delivery failure (and goes on) rather than exiting non-zero.
  assert.doesNotMatch(r.stdout + r.stderr, /ERROR|Exception/, `kafka-console-producer reported an error:\n${r.stderr.slice(-3000)}`);
  return r;
}

/** Formatter properties printing every field, tab-separated: CreateTime:<ts> Partition:<p> Offset:<o> <headers> <key> <value>. */
export const PRINT_ALL = [
  'print.timestamp=true', 'print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true',
].flatMap((p) => ['--formatter-property', p]);

export interface ConsoleRecord extends ConsumedRecord {
  /** 'CreateTime' or 'LogAppendTime'. */
  readonly timestampType: string;
}

/**
 * One line the console consumer printed with PRINT_ALL: `CreateTime:1700000000000<TAB>Partition:0<TAB>Offset:5
 * <TAB>h1:v1,h2:v2<TAB>key<TAB>value` (headers NO_HEADERS when none; a null key or value prints `null`).
 */
export function parseConsoleLine(line: string): ConsoleRecord {
  const f = line.split('\t');
  const ts = /^(CreateTime|LogAppendTime):(-?\d+)$/.exec(f[0] ?? '');
  const partition = /^Partition:(\d+)$/.exec(f[1] ?? '')?.[1];
  const offset = /^Offset:(\d+)$/.exec(f[2] ?? '')?.[1];
  assert.ok(ts !== null && partition !== undefined && offset !== undefined && f.length >= 6, `not a console consumer line: ${JSON.stringify(line)}`);
  const h = f[3] ?? '';
  const headers: [string, string | null][] = h === 'NO_HEADERS' ? [] : h.split(',').map((kv) => {
    const i = kv.indexOf(':');
    return i < 0 ? [kv, null] : [kv.slice(0, i), kv.slice(i + 1)];
  });
  const nul = (s: string | undefined): string | null => (s === undefined || s === 'null' ? null : s);
  return {
    timestampType: ts[1] ?? '', timestamp: Number(ts[2]), partition: Number(partition), offset: Number(offset),
    headers, key: nul(f[4]), value: nul(f.slice(5).join('\t')),
  };
}

export interface ConsumeOptions {
  /** Stop after this many records (--max-messages). */
  readonly expect: number;
  /** A group (--group): the whole topic, committing as it goes. Without it: partition 0 from --offset. */
  readonly group?: string;
  /** With no group: --partition (default 0) and --offset (default earliest). */
  readonly partition?: number;
  readonly offset?: string;
  /** Milliseconds without a record after which the consumer gives up (--timeout-ms). */
  readonly idleMs?: number;
  readonly extra?: readonly string[];
}

/**
 * kafka-console-consumer printing every field, until `expect` records (or `idleMs` without one);
 * returns the parsed records in the order printed.
 */
export async function consoleConsume(env: CompatEnv, cli: KafkaCliHandle, topic: string, opts: ConsumeOptions): Promise<ConsoleRecord[]> {
  const where = opts.group !== undefined
    ? ['--group', opts.group, '--from-beginning']
    : ['--partition', String(opts.partition ?? 0), '--offset', opts.offset ?? 'earliest'];
  const r = await toolOk(env, cli, 'kafka-console-consumer', [
    '--bootstrap-server', env.bootstrap, '--topic', topic, ...where,
    '--max-messages', String(opts.expect), '--timeout-ms', String(opts.idleMs ?? 20_000),
    ...PRINT_ALL, ...(opts.extra ?? []),
  ], { timeoutMs: 90_000 });
  return linesOf(r).map(parseConsoleLine);
}

/** A whole topic through a group named under the cell's prefix (so the run deletes it); needs the group APIs. */
export async function consumeAll(env: CompatEnv, cli: KafkaCliHandle, topic: string, expect: number, extra?: readonly string[]): Promise<ConsoleRecord[]> {
  requireGroupApis(env, 'kafka-console-consumer reads a whole topic through a consumer group');
  return consoleConsume(env, cli, topic, { expect, group: env.group('console'), extra });
}

/** kafka-get-offsets --time <t> (-1 latest, -2 earliest, or a timestamp): partition → offset, absent partitions when there is none. */
export async function getOffsets(env: CompatEnv, cli: KafkaCliHandle, topic: string, time: string | number): Promise<Map<number, number>> {
  const r = await toolOk(env, cli, 'kafka-get-offsets', ['--bootstrap-server', env.bootstrap, '--topic', topic, '--time', String(time)], { timeoutMs: 30_000 });
  const m = new Map<number, number>();
  for (const l of linesOf(r)) {
    // <topic>:<partition>:<offset>
    const parts = /^(.*):(\d+):(-?\d+)$/.exec(l);
    assert.ok(parts !== null && parts[1] === topic, `kafka-get-offsets printed ${JSON.stringify(l)}`);
    m.set(Number(parts[2]), Number(parts[3]));
  }
  return m;
}

/** Sum of the latest offsets of every partition. */
export async function endOffsetSum(env: CompatEnv, cli: KafkaCliHandle, topic: string): Promise<number> {
  return [...(await getOffsets(env, cli, topic, -1)).values()].reduce((a, b) => a + b, 0);
}

/** A row of `kafka-consumer-groups --describe`: one partition of the group, as the tool prints it. */
export interface GroupOffsetRow {
  readonly topic: string;
  readonly partition: number;
  /** '-' when the group has no committed offset there. */
  readonly current: string;
  readonly logEnd: number;
  readonly lag: string;
  /** '-' when no member owns the partition. */
  readonly consumerId: string;
}

/**
 * The whitespace-separated table a kafka-consumer-groups command prints under its header line
 * (GROUP TOPIC PARTITION …): each row's cells, rows whose first cell is `group`.
 */
export function groupTable(stdout: string, group: string, header: RegExp): string[][] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => header.test(l));
  assert.ok(at >= 0, `no ${String(header)} table in:\n${stdout.slice(0, 2000)}`);
  return lines.slice(at + 1).map((l) => l.trim().split(/\s+/)).filter((cells) => cells[0] === group);
}

/** `kafka-consumer-groups --describe --group G`: the group's partitions of `topic`, by partition. */
export async function describeGroupOffsets(env: CompatEnv, cli: KafkaCliHandle, group: string, topic: string): Promise<GroupOffsetRow[]> {
  const r = await toolOk(env, cli, 'kafka-consumer-groups', ['--bootstrap-server', env.bootstrap, '--describe', '--group', group], { timeoutMs: 30_000 });
  return groupTable(r.stdout, group, /^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s/)
    .filter((c) => c[1] === topic)
    .map((c) => ({ topic: c[1] ?? '', partition: Number(c[2]), current: c[3] ?? '', logEnd: Number(c[4]), lag: c[5] ?? '', consumerId: c[6] ?? '' }))
    .sort((a, b) => a.partition - b.partition);
}
