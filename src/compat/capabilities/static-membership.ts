/**
 * Static group membership (group.instance.id, KIP-345), with librdkafka (confluent-kafka-python): a
 * static member that closes does not leave the group; restarted within the session timeout it gets
 * its assignment back without the other member rebalancing; an impostor joining with the same
 * instance id fences the running one (FENCED_INSTANCE_ID). The group empties only when the
 * members' sessions expire.
 *
 * Every step waits for what the members report, not for a time: the group has formed when A and B
 * hold disjoint assignments covering the partitions, whatever the endpoint's
 * group.initial.rebalance.delay.ms (with 0 the first member may get every partition, then share
 * them when the second joins); "B never rebalanced" is judged from then on.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { GROUP_APIS, SESSION_TIMEOUT_MS, type GroupLine } from '../group-steps.js';
import type { StreamingProcess } from '../process.js';
import { waitFor } from '../wait.js';

const PARTITIONS = 3;

function events(p: StreamingProcess, from = 0): GroupLine[] {
  return p.lines.slice(from).map((l) => JSON.parse(l.line) as GroupLine);
}

/** The partitions a member holds now: its last assign, unless a revoke came after it. */
function holding(p: StreamingProcess): number[] {
  const last = events(p).filter((l) => l.type === 'assign' || l.type === 'revoke').at(-1);
  return last?.type === 'assign' ? [...(last.partitions ?? [])].sort() : [];
}

function isRebalance(l: GroupLine): boolean {
  return l.type === 'assign' || (l.type === 'revoke' && (l.partitions?.length ?? 0) > 0);
}

async function staticMembership(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('static', { partitions: PARTITIONS });
  await py.produce(env, { topic, count: 30, partitions: PARTITIONS });
  const group = env.group('static');
  // run_s only bounds a member the cell forgot: each one is ended with SIGTERM (it closes, no LeaveGroup).
  const member = (instance: string): StreamingProcess =>
    py.spawn(env, 'static_member', { topic, group, session_timeout_ms: SESSION_TIMEOUT_MS, instance, run_s: 120 });
  const show = (p: StreamingProcess): string => JSON.stringify(events(p));

  const b = member('static-b');
  const a1 = member('static-a');
  const formed = await waitFor('A and B sharing the partitions', () => {
    const a = holding(a1);
    const held = [...a, ...holding(b)];
    return a.length > 0 && a.length < PARTITIONS && held.length === PARTITIONS && new Set(held).size === PARTITIONS ? a : undefined;
  }, env.remainingMs(60_000), 100);
  const bFrom = b.lines.length;

  await a1.terminate(env.remainingMs(30_000));
  const described = await env.describeGroup(group);
  assert.equal(described.members.length, 2, 'A is still a member after closing: static members do not leave');
  if ((env.versions.get(ApiKey.DescribeGroups)?.max ?? 0) >= 4) {
    assert.deepEqual(described.members.map((m) => m.groupInstanceId).sort(), ['static-a', 'static-b'], 'the members carry their group.instance.id');
  }

  const a2 = member('static-a');
  const back = await a2.waitForLine('A assigned again', (l) => (JSON.parse(l) as GroupLine).type === 'assign', env.remainingMs(30_000));
  assert.deepEqual((JSON.parse(back.line) as GroupLine).partitions, formed, 'A gets its assignment back');
  // While A's second incarnation runs, an impostor joins with the same instance id.
  const impostor = member('static-a');
  await a2.waitForLine('A fenced by the impostor (FENCED_INSTANCE_ID)', (l) => {
    const e = JSON.parse(l) as GroupLine;
    return e.type === 'error' && /FENCED|fenced/.test(`${e.code} ${e.error}`);
  }, env.remainingMs(30_000)).catch((e: Error) => assert.fail(`${e.message}\nA: ${show(a2)}\nimpostor: ${show(impostor)}`));
  await impostor.waitForLine('the impostor assigned', (l) => (JSON.parse(l) as GroupLine).type === 'assign', env.remainingMs(30_000));

  const bDuring = events(b, bFrom);
  assert.deepEqual(bDuring.filter(isRebalance), [], `B was neither revoked nor reassigned while A closed, came back and was fenced: ${show(b)}`);
  assert.ok(b.lines.length > 0 && !b.exited, `B still runs: ${show(b)}`);
  await impostor.terminate(env.remainingMs(30_000));
  await b.terminate(env.remainingMs(30_000));

  // Closed static members stay until their sessions expire; then the group is Empty (and can be deleted).
  await waitFor('the group Empty once the static members\' sessions expired', async () => (await env.describeGroup(group)).state === 'Empty',
    env.remainingMs(SESSION_TIMEOUT_MS + 15_000), 500);
}


export default defineCapability({
  id: 'static-membership',
  title: 'static membership: restart without rebalance, FENCED_INSTANCE_ID',
  order: 220,
  // group.instance.id is in JoinGroup v5+, SyncGroup v3+, Heartbeat v3+.
  requires: [...GROUP_APIS, { api: ApiKey.JoinGroup, minVersion: 5 }, { api: ApiKey.SyncGroup, minVersion: 3 }, { api: ApiKey.Heartbeat, minVersion: 3 }, { api: ApiKey.DescribeGroups }],
  timeoutMs: 120_000,
  cells: {
    kafkajs: { notApplicable: 'kafkajs 2.2.4 never sends group.instance.id (no static membership)' },
    kcat: { notApplicable: 'librdkafka: see the confluent-kafka-python cell' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no group.instance.id (no static membership)' },
    'confluent-kafka-python': staticMembership,
    java: staticMembership,
    'franz-go': staticMembership,
    'confluent-kafka-python-2': staticMembership,
  },
});
