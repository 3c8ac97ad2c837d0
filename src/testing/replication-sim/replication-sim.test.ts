/**
 * Partition replication under the deterministic simulator (sim-cluster.ts): every scenario for
 * SEEDS seeds, each checked after every event and for convergence after healing. A failing seed
 * names the command that replays it alone, with a trace:
 *   REPLICATION_SIM_SEED=<n> REPLICATION_SIM_SCENARIO=<name> [REPLICATION_SIM_BUG=<bug>] npx mocha dist/src/testing/replication-sim/replication-sim.test.js
 * REPLICATION_SIM_SEEDS raises (or lowers) the seeds per scenario. The deliberate bugs prove the
 * checker can fail. REPLICATION_SIM_RESTART=node restarts brokers in node.ts's order (see
 * sim-cluster.ts): seeds then fail, e.g. REPLICATION_SIM_RESTART=node REPLICATION_SIM_SEED=38
 * REPLICATION_SIM_SCENARIO=crash-leader.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayCommand, runSeed, SCENARIOS, type RunResult, type ScenarioName } from './scenarios.js';
import { SIM_BUGS, type SimBug } from './sim-cluster.js';

const SEEDS = Number(process.env.REPLICATION_SIM_SEEDS ?? 1000);
const REPLAY_SEED = process.env.REPLICATION_SIM_SEED;

function report(r: RunResult, bug?: SimBug): string {
  return `${r.scenario} seed ${r.seed}: ${r.failure}\n  replay: ${replayCommand(r.scenario, r.seed, bug)}`;
}

/** Runs the printed replay command itself and checks it reproduces `failure`. */
function replayInChild(scenario: ScenarioName, seed: number, bug: SimBug, failure: string): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
  const env = { ...process.env, REPLICATION_SIM_SEED: String(seed), REPLICATION_SIM_SCENARIO: scenario, REPLICATION_SIM_BUG: bug, REPLICATION_SIM_TRACE_LINES: '5' };
  const child = spawnSync('npx', ['mocha', 'dist/src/testing/replication-sim/replication-sim.test.js'], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(child.status, 0, `the replay command passed: ${child.stdout}`);
  assert.ok(child.stdout.includes(failure), `the replay command did not reproduce "${failure}":\n${child.stdout}\n${child.stderr}`);
}

if (REPLAY_SEED !== undefined) {
  describe('replication simulator: replay', () => {
    it(`replays seed ${REPLAY_SEED}`, async function () {
      this.timeout(120_000);
      const scenario = (process.env.REPLICATION_SIM_SCENARIO ?? 'mixed') as ScenarioName;
      assert.ok(SCENARIOS.includes(scenario), `REPLICATION_SIM_SCENARIO must be one of ${SCENARIOS.join(', ')}`);
      const bug = process.env.REPLICATION_SIM_BUG as SimBug | undefined;
      assert.ok(bug === undefined || SIM_BUGS.includes(bug), `REPLICATION_SIM_BUG must be one of ${SIM_BUGS.join(', ')}`);
      const r = await runSeed(scenario, Number(REPLAY_SEED), bug, true);
      console.log((r.trace ?? []).slice(-Number(process.env.REPLICATION_SIM_TRACE_LINES ?? 400)).join('\n'));
      if (r.failure !== undefined) assert.fail(report(r, bug));
      console.log(`  seed ${r.seed}: ${r.acked} batches acknowledged, ${r.crashes} crashes, ${r.leaderChanges} leader changes, ${r.events} events`);
    });
  });
} else {
  describe('replication simulator', () => {
    for (const scenario of SCENARIOS) {
      it(`${scenario}: ${SEEDS} seeds lose and duplicate no acknowledged record, and converge`, async function () {
        this.timeout(600_000);
        let acked = 0;
        let crashes = 0;
        let leaderChanges = 0;
        for (let seed = 1; seed <= SEEDS; seed++) {
          const r = await runSeed(scenario, seed);
          if (r.failure !== undefined) assert.fail(report(r));
          acked += r.acked;
          crashes += r.crashes;
          leaderChanges += r.leaderChanges;
        }
        // The scenario does what it says: records are acknowledged, leaders crash or move.
        assert.ok(acked > SEEDS * 4, `only ${acked} batches acknowledged over ${SEEDS} seeds`);
        if (scenario.startsWith('crash') || scenario === 'mixed') assert.ok(crashes >= SEEDS * 0.8, `only ${crashes} crashes over ${SEEDS} seeds`);
        if (scenario === 'crash-leader' || scenario === 'mixed') assert.ok(leaderChanges >= SEEDS / 2, `only ${leaderChanges} leader changes over ${SEEDS} seeds`);
        if (scenario === 'partitioned-leader') assert.ok(leaderChanges >= SEEDS / 5, `only ${leaderChanges} leader changes over ${SEEDS} seeds`);
        console.log(`      ${SEEDS} seeds: ${acked} batches acknowledged, ${crashes} crashes, ${leaderChanges} leader changes`);
      });
    }

    it('replays a seed exactly', async () => {
      const a = await runSeed('mixed', 7, undefined, true);
      const b = await runSeed('mixed', 7, undefined, true);
      assert.equal(a.failure, undefined);
      assert.deepEqual(a.trace, b.trace);
      assert.ok((a.trace ?? []).length > 50);
    });

    const bugs: [SimBug, ScenarioName][] = [
      ['hwFromMinority', 'crash-leader'],
      ['forgetProducers', 'network-chaos'],
    ];
    for (const [bug, scenario] of bugs) {
      it(`catches the deliberate bug ${bug} (${scenario}), replayably`, async function () {
        this.timeout(300_000);
        for (let seed = 1; seed <= SEEDS; seed++) {
          const r = await runSeed(scenario, seed, bug);
          if (r.failure === undefined) continue;
          const again = await runSeed(scenario, seed, bug);
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
