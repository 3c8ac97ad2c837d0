/**
 * The Raft core under the deterministic simulator: every scenario for SEEDS seeds (3 voters on
 * even seeds, 5 on odd; 0, 1 or 2 observers by seed % 3), each checked for safety throughout and liveness after healing. A failing
 * seed names the command that replays it alone, with a trace:
 *   RAFT_SIM_SEED=<n> RAFT_SIM_SCENARIO=<name> [RAFT_SIM_BUG=<bug>] npx mocha dist/src/testing/raft-sim/raft-sim.test.js
 * The deliberate bugs prove the checker can fail. The `reconfig` scenario (KIP-853) runs a dynamic
 * quorum: 1 to 3 initial voters and 2 nodes formatted without voters, voters added and removed
 * through the leader throughout.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECONFIG_SCENARIOS, replayCommand, runSeed, SCENARIOS, type RunResult, type ScenarioName } from './scenarios.js';
import type { SimBug } from './sim-cluster.js';

const SEEDS = Number(process.env.RAFT_SIM_SEEDS ?? 1000);
const REPLAY_SEED = process.env.RAFT_SIM_SEED;

function report(r: RunResult, bug?: SimBug): string {
  return `${r.scenario} seed ${r.seed} (${r.voters} voters, ${r.observers} observers): ${r.failure}\n  replay: ${replayCommand(r.scenario, r.seed, bug)}`;
}

/** Runs the printed replay command itself and checks it reproduces `failure`. */
function replayInChild(scenario: ScenarioName, seed: number, bug: SimBug, failure: string): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const env = { ...process.env, RAFT_SIM_SEED: String(seed), RAFT_SIM_SCENARIO: scenario, RAFT_SIM_BUG: bug, RAFT_SIM_TRACE_LINES: '5' };
  const child = spawnSync('npx', ['mocha', 'dist/src/testing/raft-sim/raft-sim.test.js'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(child.status, 0, `the replay command passed: ${child.stdout}`);
  assert.ok(child.stdout.includes(failure.split('\n')[0] ?? failure), `the replay command did not reproduce "${failure}":\n${child.stdout}\n${child.stderr}`);
}

if (REPLAY_SEED !== undefined) {
  describe('raft simulator: replay', () => {
    it(`replays seed ${REPLAY_SEED}`, function () {
      this.timeout(120_000);
      const scenario = (process.env.RAFT_SIM_SCENARIO ?? 'steady') as ScenarioName;
      const all: readonly ScenarioName[] = [...SCENARIOS, ...RECONFIG_SCENARIOS];
      assert.ok(all.includes(scenario), `RAFT_SIM_SCENARIO must be one of ${all.join(', ')}`);
      const bug = process.env.RAFT_SIM_BUG as SimBug | undefined;
      const r = runSeed(scenario, Number(REPLAY_SEED), bug, true);
      if (r.failure !== undefined) {
        console.log((r.trace ?? []).slice(-Number(process.env.RAFT_SIM_TRACE_LINES ?? 400)).join('\n'));
        assert.fail(report(r, bug));
      }
      console.log(`  seed ${r.seed}: ${r.voters} voters, ${r.observers} observers, ${r.elections} elections, ${r.committed} committed, ${r.snapshotsInstalled} snapshots installed, ${r.steps} steps`);
    });
  });
} else {
  describe('raft simulator', () => {
    for (const scenario of SCENARIOS) {
      it(`${scenario}: ${SEEDS} seeds keep every invariant and recover after healing`, function () {
        this.timeout(300_000);
        let elections = 0;
        let committed = 0;
        let snapshots = 0;
        let truncations = 0;
        let observerSteps = 0;
        for (let seed = 1; seed <= SEEDS; seed++) {
          const r = runSeed(scenario, seed);
          if (r.failure !== undefined) assert.fail(report(r));
          elections += r.elections;
          committed += r.committed;
          snapshots += r.snapshotsInstalled;
          truncations += r.truncations;
          observerSteps += r.observerSteps;
        }
        // The scenario does what it says: leaders are elected, entries commit, snapshots travel.
        assert.ok(committed > SEEDS * 20, `only ${committed} entries committed over ${SEEDS} seeds`);
        assert.ok(elections >= SEEDS, `only ${elections} elections over ${SEEDS} seeds`);
        if (scenario === 'snapshot' || scenario === 'chaos') assert.ok(snapshots > SEEDS / 10, `only ${snapshots} snapshots installed over ${SEEDS} seeds`);
        assert.ok(observerSteps > SEEDS * 20, `observers took only ${observerSteps} steps over ${SEEDS} seeds`);
        if (scenario === 'crash' || scenario === 'chaos') assert.ok(truncations > SEEDS / 100, `only ${truncations} divergence truncations over ${SEEDS} seeds`);
        console.log(`      ${SEEDS} seeds: ${elections} elections, ${committed} entries committed, ${snapshots} snapshots installed, ${truncations} truncations, ${observerSteps} observer steps`);
      });
    }

    for (const scenario of RECONFIG_SCENARIOS) {
      it(`${scenario} (KIP-853): ${SEEDS} seeds add and remove voters under faults, keeping every invariant`, function () {
        this.timeout(300_000);
        let changes = 0;
        let refused = 0;
        let committedSets = 0;
        let elections = 0;
        let committed = 0;
        let snapshots = 0;
        const finalSizes = new Set<number>();
        for (let seed = 1; seed <= SEEDS; seed++) {
          const r = runSeed(scenario, seed);
          if (r.failure !== undefined) assert.fail(report(r));
          changes += r.voterChanges;
          refused += r.voterChangesRefused;
          committedSets += r.voterSetsCommitted;
          elections += r.elections;
          committed += r.committed;
          snapshots += r.snapshotsInstalled;
          finalSizes.add(r.finalVoters.length);
        }
        // Voters really change (added and removed, the quorum growing and shrinking), and commit.
        assert.ok(changes > SEEDS, `only ${changes} voter changes completed over ${SEEDS} seeds`);
        assert.ok(refused > 0, 'no voter change was ever refused (one at a time, caught-up observers only)');
        assert.ok(finalSizes.size >= 3, `final voter set sizes only ${[...finalSizes].join(',')}`);
        assert.ok(committed > SEEDS * 20 && elections >= SEEDS && snapshots > SEEDS / 10, `${committed} committed, ${elections} elections, ${snapshots} snapshots`);
        console.log(`      ${SEEDS} seeds: ${changes} voter changes committed, ${refused} refused, ${committedSets} VotersRecords committed, ${elections} elections, ${committed} entries committed, ${snapshots} snapshots installed`);
      });
    }

    it('replays a seed exactly', () => {
      const a = runSeed('crash', 7, undefined, true);
      const b = runSeed('crash', 7, undefined, true);
      assert.equal(a.failure, undefined);
      assert.deepEqual(a.trace, b.trace);
      assert.ok((a.trace ?? []).length > 100);
    });

    const bugs: [SimBug, ScenarioName][] = [
      ['hwFromMinority', 'partition'],
      ['forgetVote', 'steady'],
      ['unsyncedQuorumState', 'crash'],
      ['noFsync', 'crash'],
      ['loseVoteRequests', 'steady'],
      ['observerThinksItVotes', 'steady'],
      ['removedNeverStands', 'reconfig'],
    ];
    for (const [bug, scenario] of bugs) {
      it(`catches the deliberate bug ${bug} (${scenario}) within ${SEEDS} seeds, replayably`, function () {
        this.timeout(300_000);
        for (let seed = 1; seed <= SEEDS; seed++) {
          const r = runSeed(scenario, seed, bug);
          if (r.failure === undefined) continue;
          const again = runSeed(scenario, seed, bug);
          assert.equal(again.failure, r.failure, 'the failing seed replays to the same failure');
          console.log(`    ${bug}: caught at seed ${seed}: ${r.failure}\n      replay: ${replayCommand(scenario, seed, bug)}`);
          if (bug === 'hwFromMinority') replayInChild(scenario, seed, bug, r.failure);
          return;
        }
        assert.fail(`${bug} went unnoticed for ${SEEDS} seeds`);
      });
    }
  });
}
