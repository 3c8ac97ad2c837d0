/**
 * Steps the consumer-group rows share (consumer-groups, group-admin, static-membership,
 * committed-offsets-restart, consumer-offsets-format): producing keyed messages to chosen
 * partitions with each client, the group state kafkajs's admin reports, the JSON lines of the
 * Python drivers' group commands, and the committed offsets as the endpoint reports them.
 */
import assert from 'node:assert/strict';
import { NotRunError, type CompatEnv } from './capability.js';
import type { Admin, Producer } from 'kafkajs';
import { ApiKey, apiName } from '../protocol/generated/api-keys.js';
import type { KafkajsModule } from './clients/kafkajs.js';
import type { KcatHandle } from './clients/kcat.js';
import { assertRanOk, parseJsonLines } from './process.js';
import { waitFor } from './wait.js';

/** Session timeout of every group member in these rows (Kafka's group.min.session.timeout.ms is 6 s). */
export const SESSION_TIMEOUT_MS = 10_000;

/** kafkajs consumer settings of the group rows: short heartbeats and fetch waits. */
export const KAFKAJS_GROUP_CONSUMER = { sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 500, maxWaitTimeInMs: 500 } as const;

/** The APIs a classic-protocol group consumer uses (FindCoordinator, Join/Sync/Heartbeat/Leave, commits). */
export const GROUP_APIS = [
  { api: ApiKey.FindCoordinator }, { api: ApiKey.JoinGroup }, { api: ApiKey.SyncGroup }, { api: ApiKey.Heartbeat },
  { api: ApiKey.LeaveGroup }, { api: ApiKey.OffsetCommit }, { api: ApiKey.OffsetFetch },
] as const;

/** For a cell that consumes through a group although its row does not need groups (kafkajs has no other consumer). */
export function requireGroupApis(env: CompatEnv, why: string): void {
  for (const r of GROUP_APIS) {
    if (!env.versions.has(r.api)) throw new NotRunError(`${why}; the endpoint does not advertise ${apiName(r.api)}`);
  }
}

/** Messages key-<i>/value-<i> for i in [from, to), with acks=all, 1000 per send; partition i % partitions when given. */
export async function kafkajsProduceKeys(producer: Producer, topic: string, from: number, to: number, partitions?: number): Promise<void> {
  for (let i = from; i < to; i += 1000) {
    const messages = [];
    for (let k = i; k < Math.min(to, i + 1000); k++) {
      messages.push({ key: `key-${k}`, value: `value-${k}`, ...(partitions === undefined ? {} : { partition: k % partitions }) });
    }
    await producer.send({ topic, acks: -1, messages });
  }
}

/** kcat -P of key-<i>:value-<i> for i in [from, to), message i to partition i % partitions. */
export async function kcatProduceKeys(env: CompatEnv, kcat: KcatHandle, topic: string, from: number, to: number, partitions: number): Promise<void> {
  for (let p = 0; p < partitions; p++) {
    const lines: string[] = [];
    for (let i = from; i < to; i++) if (i % partitions === p) lines.push(`key-${i}:value-${i}`);
    if (lines.length === 0) continue;
    assertRanOk(await kcat.run(env, ['-b', env.bootstrap, '-P', '-t', topic, '-p', String(p), '-K', ':', '-X', 'acks=all'],
      { input: lines.join('\n') + '\n', timeoutMs: 30_000 }));
  }
}

/** Each member's partitions (decoded from kafkajs's MemberAssignment) and the group state. */
export async function kafkajsAssignments(mod: KafkajsModule, admin: Admin, groupId: string): Promise<{ state: string; members: Map<string, number[]> }> {
  const { groups } = await admin.describeGroups([groupId]);
  const g = groups[0];
  assert.ok(g !== undefined, `describeGroups(${groupId}) returned no group`);
  const members = new Map<string, number[]>();
  for (const m of g.members) {
    const decoded = mod.AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
    members.set(m.memberId, Object.values(decoded?.assignment ?? {}).flat().sort((a, b) => a - b));
  }
  return { state: g.state, members };
}

/** Waits until the group is Stable with `memberCount` members whose assignments cover the partitions disjointly. */
export async function waitForStableGroup(
  mod: KafkajsModule, admin: Admin, groupId: string, memberCount: number, partitions: number, timeoutMs: number,
): Promise<Map<string, number[]>> {
  return waitFor(`group ${groupId} Stable with ${memberCount} members covering ${partitions} partitions`, async () => {
    const a = await kafkajsAssignments(mod, admin, groupId);
    if (a.state !== 'Stable' || a.members.size !== memberCount) return null;
    const all = [...a.members.values()].flat();
    return all.length === partitions && new Set(all).size === partitions ? a.members : null;
  }, timeoutMs, 200);
}

/** A line of the Python drivers' group commands (group_consume, static_member). */
export interface GroupLine {
  readonly type: string;
  readonly partition?: number;
  readonly offset?: number;
  readonly key?: string;
  readonly partitions?: number[];
  readonly offsets?: [number, number, string | null][];
  readonly count?: number;
  readonly error?: string;
  readonly code?: string;
  readonly fatal?: boolean;
  readonly t?: number;
}

/** The keys of the record lines, sorted. */
export function keysOf(lines: readonly GroupLine[]): string[] {
  return lines.filter((l) => l.type === 'record').map((l) => l.key ?? '').sort();
}

/** key-<from> … key-<to - 1>, sorted as keysOf sorts. */
export function keyRange(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `key-${from + i}`).sort();
}

/** The group's committed offsets on `topic` as [[partition, offset], …] by partition, as the endpoint reports them. */
export async function committedList(env: CompatEnv, group: string, topic: string): Promise<number[][]> {
  return [...await env.committedOffsets(group, topic)].sort((a, b) => a[0] - b[0]);
}

/** A Python driver's own time budget (timeout_s): a little under the cell's remaining time. */
export function pyTimeoutS(env: CompatEnv, capMs = 60_000): number {
  return Math.max(5, Math.floor(env.remainingMs(capMs) / 1000) - 5);
}

/** One `kcat -G` run as a group member: consumes to the end of every partition, returns the keys read, sorted. */
export async function kcatGroupConsume(env: CompatEnv, kcat: KcatHandle, group: string, topic: string): Promise<string[]> {
  const r = await kcat.run(env, ['-b', env.bootstrap, '-G', group, topic, '-e', '-J', '-q',
    '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'fetch.wait.max.ms=200'], { timeoutMs: 60_000 });
  assertRanOk(r);
  return parseJsonLines<{ key: string }>(r.stdout).map((j) => j.key).sort();
}
