/**
 * Fault schedules for the replication simulator, and `runSeed`, which plays one for one seed: a
 * fault phase with the producer writing, then every fault healed and every broker restarted, the
 * producer's last batch acknowledged and every follower caught up (within CONVERGE_MS), then the
 * convergence check. Crashes follow the fault model the guarantee is made for (acks=all with
 * min.insync.replicas=2 of 3 survives one failure at a time): a broker is crashed only while the
 * other two serve and another ISR member remains; partitions and message faults are unrestricted.
 */
import { Checker, SimViolation } from './checker.js';
import type { Prng } from '../raft-sim/prng.js';
import { SimCluster, type SimBug } from './sim-cluster.js';
import type { SimBroker } from './sim-broker.js';
import { CALM } from './sim-network.js';

export const SCENARIOS = ['crash-leader', 'crash-follower', 'network-chaos', 'partitioned-leader', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const FAULT_PHASE_MS = 5000;
const CONVERGE_MS = 60_000;

export interface RunResult {
  readonly seed: number;
  readonly scenario: ScenarioName;
  readonly failure: string | undefined;
  readonly acked: number;
  readonly crashes: number;
  readonly leaderChanges: number;
  readonly events: number;
  readonly trace: readonly string[] | undefined;
}

/** Repeats `fn` at random intervals in [minMs, maxMs] during the fault phase. */
function every(sim: SimCluster, rng: Prng, minMs: number, maxMs: number, fn: () => void): void {
  const next = (): void => {
    if (sim.clock.now >= FAULT_PHASE_MS) return;
    fn();
    sim.clock.after(rng.between(minMs, maxMs), next);
  };
  sim.clock.after(rng.between(minMs, maxMs), next);
}

/**
 * One failure at a time: no link is cut, the others serve, and the ISR keeps a member besides the
 * victim. (Two at once can lose acknowledged records in Kafka too: the last ISR member standing is
 * elected even if it lost its unsynced tail; KIP-966's eligible leader replicas address that.)
 */
function mayCrash(sim: SimCluster, victim: SimBroker): boolean {
  return victim.up && !sim.net.partitioned && sim.brokers.every((b) => b === victim || b.serving) && sim.partitionImage.isr.some((id) => id !== victim.id);
}

function crashLeader(sim: SimCluster, rng: Prng): void {
  const leader = sim.partitionImage.leader;
  if (leader < 0) return;
  const b = sim.broker(leader);
  if (mayCrash(sim, b)) sim.crash(b, rng.between(100, 4000));
}

function crashFollower(sim: SimCluster, rng: Prng): void {
  const followers = sim.brokers.filter((b) => b.id !== sim.partitionImage.leader);
  const b = rng.pick(followers);
  if (mayCrash(sim, b)) sim.crash(b, rng.between(100, 4000));
}

function isolateLeader(sim: SimCluster, rng: Prng): void {
  sim.net.heal();
  const leader = sim.partitionImage.leader;
  // A broker down (or still registering) is a failure already: one at a time.
  if (leader < 0 || rng.chance(0.25) || !sim.brokers.every((b) => b.serving)) return;
  const others = sim.brokers.map((b) => b.id).filter((id) => id !== leader);
  // Half the time cut from the controller too: its session expires, the controller elects another.
  const r = rng.chance(0.5) ? 1 : rng.pick([0, 2, 3]);
  if (r === 0) sim.net.partition([leader], others);
  else if (r === 1) sim.net.partition([leader], [...others, 100]);
  else if (r === 2) for (const o of others) sim.net.cutOneWay(leader, o);
  else sim.net.partition([rng.pick(others)], [leader]);
  sim.log(`network: ${['leader cut from followers', 'leader cut from followers and controller', 'leader cannot answer followers', 'one follower cut from leader'][r]} (leader ${leader})`);
}

export const setups: Record<ScenarioName, (sim: SimCluster, rng: Prng) => void> = {
  'crash-leader'(sim, rng) {
    sim.net.faults = { dropP: 0.01, duplicateP: 0.01, minDelayMs: 1, maxDelayMs: 10 };
    every(sim, rng, 600, 2000, () => crashLeader(sim, rng));
  },
  'crash-follower'(sim, rng) {
    sim.net.faults = { dropP: 0.01, duplicateP: 0.01, minDelayMs: 1, maxDelayMs: 10 };
    every(sim, rng, 500, 1500, () => crashFollower(sim, rng));
  },
  'network-chaos'(sim, rng) {
    sim.net.faults = { dropP: 0.05, duplicateP: 0.1, minDelayMs: 1, maxDelayMs: 100 };
    every(sim, rng, 500, 2000, () => {
      sim.net.heal();
      if (rng.chance(0.5)) return;
      const a = rng.pick(sim.brokers).id;
      const b = rng.pick([...sim.brokers.map((x) => x.id).filter((id) => id !== a), 100, 0]);
      sim.net.cutOneWay(a, b);
      sim.log(`network: ${a} cannot reach ${b}`);
    });
  },
  'partitioned-leader'(sim, rng) {
    sim.net.faults = { dropP: 0.02, duplicateP: 0.02, minDelayMs: 1, maxDelayMs: 20 };
    every(sim, rng, 1500, 4000, () => isolateLeader(sim, rng));
  },
  mixed(sim, rng) {
    sim.net.faults = { dropP: 0.05, duplicateP: 0.05, minDelayMs: 1, maxDelayMs: 60 };
    every(sim, rng, 800, 2500, () => (rng.chance(0.5) ? crashLeader(sim, rng) : crashFollower(sim, rng)));
    every(sim, rng, 1000, 3000, () => isolateLeader(sim, rng));
  },
};

/** Plays `scenario` for `seed`; a failure is returned, not thrown. */
export async function runSeed(scenario: ScenarioName, seed: number, bug?: SimBug, tracing = false): Promise<RunResult> {
  const sim = new SimCluster(seed, bug, tracing);
  const checker = new Checker(sim);
  let failure: string | undefined;
  const afterEach = async (): Promise<void> => {
    checker.checkMonotonic();
    await checker.checkLogsIfChanged();
  };
  try {
    await sim.boot();
    setups[scenario](sim, sim.prng.fork());
    await sim.clock.run(FAULT_PHASE_MS, afterEach);
    heal(sim);
    const settled = await sim.clock.run(sim.clock.now + CONVERGE_MS, afterEach, () => converged(sim));
    if (!settled) throw new SimViolation(`liveness: not converged ${CONVERGE_MS} ms after healing: ${describe(sim)}`);
    await checker.checkConverged();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    failure = `${e.name}: ${e.message}`;
    sim.log(`FAILED: ${failure}`);
  }
  return {
    seed,
    scenario,
    failure,
    acked: sim.acked.length,
    crashes: sim.brokers.reduce((n, b) => n + b.crashes, 0),
    leaderChanges: sim.leaderChanges,
    events: sim.clock.events,
    trace: sim.trace,
  };
}

function heal(sim: SimCluster): void {
  sim.log('heal: network calm, every broker up, the producer stops after its batch in flight');
  sim.net.heal();
  sim.net.faults = CALM;
  sim.producing = false;
  for (const b of sim.brokers) sim.restart(b);
}

function converged(sim: SimCluster): boolean {
  const img = sim.partitionImage;
  if (img.leader < 0 || img.isr.length !== sim.brokers.length || sim.inFlight) return false;
  const leader = sim.broker(img.leader).partition;
  if (leader === undefined || !leader.isLeader || leader.leaderEpoch !== img.leaderEpoch) return false;
  const leo = leader.logEndOffset;
  return sim.brokers.every((b) => b.serving && b.partition !== undefined && b.partition.logEndOffset === leo && b.partition.highWatermark === leo && b.partition.leaderEpoch === img.leaderEpoch);
}

function describe(sim: SimCluster): string {
  const img = sim.partitionImage;
  const brokers = sim.brokers.map((b) => `${b.id}:${b.serving ? `LEO ${b.partition?.logEndOffset} HW ${b.partition?.highWatermark} epoch ${b.partition?.leaderEpoch}${b.partition?.isLeader ? ' leader' : ''}` : b.up ? 'registering' : 'down'}`);
  return `controller leader ${img.leader} epoch ${img.leaderEpoch} ISR ${img.isr.join(',')}; ${brokers.join('; ')}; producer ${sim.inFlight ? 'busy' : 'idle'}`;
}

export function replayCommand(scenario: ScenarioName, seed: number, bug?: SimBug): string {
  const restart = process.env.REPLICATION_SIM_RESTART === 'node' ? 'REPLICATION_SIM_RESTART=node ' : '';
  return `${restart}REPLICATION_SIM_SEED=${seed} REPLICATION_SIM_SCENARIO=${scenario}${bug ? ` REPLICATION_SIM_BUG=${bug}` : ''} npx mocha dist/src/testing/replication-sim/replication-sim.test.js`;
}
