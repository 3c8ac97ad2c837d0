/**
 * The metadata quorum as `kafka-metadata-quorum describe --status` and `--replication` print it
 * (DescribeQuorum through --bootstrap-server; a broker forwards it to the active controller, a
 * combined node answers itself): a leader among the voters, in an epoch of at least 1 (a leader is
 * elected in a new epoch), a high watermark past the leader's first record of its epoch, and the
 * leader's own row in the replication table at or past it.
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { linesOf, toolOk } from '../kafka-cli-steps.js';

/** "LeaderEpoch:            3" lines as a map. */
function statusFields(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) {
    const m = /^(\w+):\s+(.*)$/.exec(l);
    if (m?.[1] !== undefined) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

function intField(fields: ReadonlyMap<string, string>, key: string, all: string): number {
  const v = fields.get(key);
  assert.ok(v !== undefined && /^-?\d+$/.test(v), `describe --status has no integer ${key}:\n${all}`);
  return Number(v);
}

export default defineCapability({
  id: 'metadata-quorum',
  title: 'the metadata quorum: kafka-metadata-quorum describe --status and --replication (DescribeQuorum)',
  order: 13,
  requires: [{ api: ApiKey.DescribeQuorum, minVersion: 1 }],
  cells: {
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const status = await toolOk(env, cli, 'kafka-metadata-quorum', ['--bootstrap-server', env.bootstrap, 'describe', '--status'], { timeoutMs: 30_000 });
      const fields = statusFields(linesOf(status));
      const leaderId = intField(fields, 'LeaderId', status.stdout);
      const epoch = intField(fields, 'LeaderEpoch', status.stdout);
      const hw = intField(fields, 'HighWatermark', status.stdout);
      assert.ok(leaderId >= 0 && epoch >= 1 && hw >= 1, `leader ${leaderId}, epoch ${epoch}, high watermark ${hw}:\n${status.stdout}`);
      assert.ok(intField(fields, 'MaxFollowerLag', status.stdout) >= 0);
      const voters = JSON.parse(fields.get('CurrentVoters') ?? 'null') as { id: number }[] | null;
      assert.ok(Array.isArray(voters) && voters.some((v) => v.id === leaderId), `the leader ${leaderId} is not among the voters:\n${status.stdout}`);
      if (env.controlled !== undefined) assert.deepEqual(voters.map((v) => v.id), [env.controlled.nodeId], 'a single node is the only voter');

      const replication = await toolOk(env, cli, 'kafka-metadata-quorum', ['--bootstrap-server', env.bootstrap, 'describe', '--replication'], { timeoutMs: 30_000 });
      const [header, ...rows] = linesOf(replication).map((l) => l.split('\t').map((c) => c.trim()));
      assert.deepEqual(header?.slice(0, 7), ['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'], replication.stdout);
      const leaderRow = rows.find((r) => r[6] === 'Leader');
      assert.ok(leaderRow !== undefined && Number(leaderRow[0]) === leaderId, `no Leader row for node ${leaderId}:\n${replication.stdout}`);
      assert.ok(Number(leaderRow[2]) >= hw, `the leader's log end offset ${leaderRow[2]} is below the high watermark ${hw}`);
    },
  },
});
