/**
 * Static group membership (group.instance.id, KIP-345), with librdkafka (confluent-kafka-python): a
 * static member that closes does not leave the group; restarted within the session timeout it gets
 * its assignment back without the other member rebalancing; an impostor joining with the same
 * instance id fences the running one (FENCED_INSTANCE_ID). The group empties only when the
 * members' sessions expire.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { GROUP_APIS, SESSION_TIMEOUT_MS, type GroupLine } from '../group-steps.js';
import { sleep, waitFor } from '../wait.js';

/** The driver-protocol clients (confluent-kafka-python 1.x and 2.x, java, franz-go): restart without rebalance, fenced by an impostor, Empty once the sessions expire. */
async function driverCell(env: CompatEnv, py: DriverHandle): Promise<void> {
  const topic = await env.createTopic('static', { partitions: 3 });
  await py.produce(env, { topic, count: 30, partitions: 3 });
  const group = env.group('static');
  const base = { topic, group, session_timeout_ms: SESSION_TIMEOUT_MS };
  const member = (instance: string, runS: number): Promise<GroupLine[]> => {
    const p = py.command<GroupLine>(env, 'static_member', { ...base, instance, run_s: runS });
    p.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    return p;
  };
  // Member B stays up while member A runs, stops (no LeaveGroup: static), restarts; B ends before
  // A's last incarnation's session (10 s) expires, which would rebalance the group legitimately.
  const b = member('static-b', 21);
  const a1 = await member('static-a', 8);
  const a1Assign = a1.filter((l) => l.type === 'assign').at(-1)?.partitions ?? [];
  assert.ok(a1Assign.length > 0, `A got partitions: ${JSON.stringify(a1)}`);
  const described = await env.describeGroup(group);
  assert.equal(described.members.length, 2, 'A is still a member after closing: static members do not leave');
  if ((env.versions.get(ApiKey.DescribeGroups)?.max ?? 0) >= 4) {
    assert.deepEqual(described.members.map((m) => m.groupInstanceId).sort(), ['static-a', 'static-b'], 'the members carry their group.instance.id');
  }
  const a2 = member('static-a', 8);
  // While A's second incarnation runs, an impostor joins with the same instance id.
  await sleep(4000);
  const impostor = await member('static-a', 4);
  const a2Lines = await a2;
  const bLines = await b;
  assert.deepEqual(a2Lines.find((l) => l.type === 'assign')?.partitions, a1Assign, 'A gets its assignment back');
  const bAssigns = bLines.filter((l) => l.type === 'assign');
  const bRevokes = bLines.filter((l) => l.type === 'revoke' && (l.partitions?.length ?? 0) > 0);
  assert.equal(bAssigns.filter((l) => (l.partitions?.length ?? 0) > 0).length, 1, `B was assigned once and never rebalanced: ${JSON.stringify(bLines)}`);
  // B's only revoke may be its own final close.
  assert.ok(bRevokes.length <= 1, `B was not revoked while A restarted: ${JSON.stringify(bLines)}`);
  const fenced = a2Lines.some((l) => l.type === 'error' && /FENCED|fenced/.test(`${l.code} ${l.error}`));
  assert.ok(fenced, `the running A is fenced by the impostor: ${JSON.stringify(a2Lines)}; impostor: ${JSON.stringify(impostor)}`);

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
  timeoutMs: 90_000,
  cells: {
    kafkajs: { notApplicable: 'kafkajs 2.2.4 never sends group.instance.id (no static membership)' },
    kcat: { notApplicable: 'librdkafka: see the confluent-kafka-python cell' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no group.instance.id (no static membership)' },

    'confluent-kafka-python': driverCell,
    java: driverCell,
    'franz-go': driverCell,
    'confluent-kafka-python-2': driverCell,
  },
});
