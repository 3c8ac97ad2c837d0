/**
 * Fault schedules for the Raft simulator, and `runSeed`, which plays one of them for one seed:
 * a fault phase with random proposals, then every fault healed and every node restarted, then
 * the liveness check (a leader is elected and a new proposal commits within LIVENESS_BOUND_MS),
 * then the convergence check (every node holds the same committed sequence). Two seeds in three
 * add observers (1 or 2 non-voters) that suffer the same faults and must hold the same sequence.
 */
import { SimViolation } from './checker.js';
import type { Prng } from './prng.js';
import { replicaKey, SimCluster, type SimBug, type SimNode } from './sim-cluster.js';

export const SCENARIOS = ['steady', 'crash', 'partition', 'snapshot', 'resign', 'pause', 'chaos'] as const;
/** Dynamic quorums (KIP-853): voters added and removed through the leader, under faults. */
export const RECONFIG_SCENARIOS = ['reconfig'] as const;
export type ScenarioName = (typeof SCENARIOS)[number] | (typeof RECONFIG_SCENARIOS)[number];

/** After healing: the simulated time within which a new proposal must commit. */
export const LIVENESS_BOUND_MS = 20_000;
const FAULT_PHASE_MS = 8_000;
const CONVERGE_MS = 3_000;
/**
 * Dynamic quorums: a node whose log still names it a voter the leader has dropped gets no
 * BeginQuorumEpoch; if its fetches were lost it rejoins only after its fetch timeout and a lost
 * pre-vote (fetch + election timeouts), so convergence is given longer.
 */
const CONVERGE_DYNAMIC_MS = 8_000;

export interface RunResult {
  readonly seed: number;
  readonly scenario: ScenarioName;
  readonly voters: number;
  readonly observers: number;
  readonly failure: string | undefined;
  readonly elections: number;
  readonly committed: number;
  readonly snapshotsInstalled: number;
  /** DivergingEpoch truncations performed. */
  readonly truncations: number;
  /** Steps taken by observers (each checked: no vote, no candidacy, no leadership). */
  readonly observerSteps: number;
  /** Dynamic quorums: voter changes committed, refusals, committed VotersRecords, the final voters. */
  readonly voterChanges: number;
  readonly voterChangesRefused: number;
  readonly voterSetsCommitted: number;
  readonly finalVoters: readonly number[];
  readonly steps: number;
  readonly trace: readonly string[] | undefined;
}

/** Repeats `fn` at random intervals in [minMs, maxMs] until the fault phase ends. */
function every(sim: SimCluster, rng: Prng, minMs: number, maxMs: number, fn: () => void): void {
  const next = (): void => {
    if (sim.now >= FAULT_PHASE_MS) return;
    fn();
    sim.at(sim.now + rng.between(minMs, maxMs), next);
  };
  sim.at(rng.between(minMs, maxMs), next);
}

function leaderOrAny(sim: SimCluster, rng: Prng): SimNode {
  const leaders = sim.leaders();
  return leaders.length > 0 ? rng.pick(leaders) : rng.pick(sim.nodes);
}

const encoder = new TextEncoder();

/** Proposes 1-3 entries with payloads unique in the run ("p<n>"). */
function propose(sim: SimCluster, node: SimNode, rng: Prng): void {
  if (node.core === undefined) return;
  const id = ++sim.proposals;
  const entries = Array.from({ length: rng.between(1, 3) }, (_, i) => encoder.encode(`p${id}.${i}`));
  sim.feed(node, { kind: 'propose', id, entries });
}

/** A side of a partition, with each observer thrown in at random (observers land on either side). */
function withSomeObservers(sim: SimCluster, rng: Prng, side: number[]): number[] {
  return [...side, ...sim.observers.filter(() => rng.chance(0.5))];
}

const setups: Record<ScenarioName, (sim: SimCluster, rng: Prng) => void> = {
  /** Message faults only: drops, duplicates, delays that reorder. */
  steady(sim) {
    sim.net.faults = { dropP: 0.05, duplicateP: 0.05, minDelayMs: 1, maxDelayMs: 150 };
  },
  /** The leader (mostly) or any node dies, unsynced writes torn, and comes back later. */
  crash(sim, rng) {
    sim.net.faults = { dropP: 0.02, duplicateP: 0.02, minDelayMs: 1, maxDelayMs: 20 };
    sim.midStepCrashP = 0.002;
    every(sim, rng, 300, 1500, () => {
      const victim = rng.chance(0.7) ? leaderOrAny(sim, rng) : rng.pick(sim.nodes);
      sim.crash(victim, rng.between(50, 2500));
    });
  },
  /** The leader isolated in a minority, or a random split; healed and re-split. */
  partition(sim, rng) {
    sim.net.faults = { dropP: 0.02, duplicateP: 0.02, minDelayMs: 1, maxDelayMs: 20 };
    every(sim, rng, 800, 4000, () => {
      sim.net.heal();
      if (rng.chance(0.3)) return;
      const ids = sim.voters;
      const leader = sim.leaders()[0]?.id;
      const minoritySize = rng.between(1, Math.floor(ids.length / 2));
      const shuffled = ids.map((id) => ({ id, k: id === leader ? -1 : rng.next() })).sort((a, b) => a.k - b.k).map((x) => x.id);
      const minority = withSomeObservers(sim, rng, rng.chance(0.7) ? shuffled.slice(0, minoritySize) : shuffled.slice(1, 1 + minoritySize));
      const everyone = sim.nodes.map((n) => n.id);
      if (rng.chance(0.2)) {
        // Asymmetric: the minority can talk but not hear (or the other way round).
        const [a, b] = rng.chance(0.5) ? [minority, everyone.filter((id) => !minority.includes(id))] : [everyone.filter((id) => !minority.includes(id)), minority];
        for (const x of a) for (const y of b) sim.net.cutOneWay(y, x);
        sim.log(`one-way cut: ${b.join(',')} cannot reach ${a.join(',')}`);
        return;
      }
      sim.net.partition(minority, everyone.filter((id) => !minority.includes(id)));
      sim.log(`partition ${minority.join(',')} | rest`);
    });
  },
  /** Frequent snapshots while one follower is away: it must come back through FetchSnapshot. */
  snapshot(sim, rng) {
    sim.net.faults = { dropP: 0.02, duplicateP: 0.02, minDelayMs: 1, maxDelayMs: 20 };
    every(sim, rng, 150, 400, () => {
      for (const n of sim.up()) if (rng.chance(0.5)) sim.takeSnapshot(n);
    });
    const away = (): void => {
      const followers = sim.nodes.filter((n) => n.core !== undefined && n.core.role !== 'leader');
      if (followers.length === 0) return;
      const victim = rng.pick(followers);
      if (rng.chance(0.5)) sim.crash(victim, rng.between(1500, 3000));
      else {
        sim.net.partition([victim.id], sim.nodes.map((n) => n.id).filter((v) => v !== victim.id));
        sim.at(sim.now + rng.between(1500, 3000), () => sim.net.heal());
      }
    };
    sim.at(rng.between(500, 1500), away);
    sim.at(rng.between(3000, 4000), away);
  },
  /** Leaders resign gracefully (EndQuorumEpoch with preferred successors). */
  resign(sim, rng) {
    sim.net.faults = { dropP: 0.02, duplicateP: 0.02, minDelayMs: 1, maxDelayMs: 20 };
    every(sim, rng, 400, 1200, () => {
      for (const l of sim.leaders()) sim.feed(l, { kind: 'resign' });
    });
  },
  /** Processes stall (long GC pauses), the leader most often: it wakes up to a world that moved on. */
  pause(sim, rng) {
    sim.net.faults = { dropP: 0.02, duplicateP: 0.02, minDelayMs: 1, maxDelayMs: 30 };
    every(sim, rng, 500, 2000, () => sim.pause(rng.chance(0.7) ? leaderOrAny(sim, rng) : rng.pick(sim.nodes), rng.between(200, 4000)));
  },
  /**
   * KIP-853: the leader is asked to add a spare (or a removed node) or remove a voter (itself
   * included) every few hundred ms, while nodes crash mid-step, partitions come and go, snapshots
   * are taken and messages are dropped, duplicated and reordered.
   */
  reconfig(sim, rng) {
    sim.net.faults = { dropP: 0.03, duplicateP: 0.03, minDelayMs: 1, maxDelayMs: 60 };
    sim.midStepCrashP = 0.001;
    every(sim, rng, 1000, 3000, () => sim.crash(rng.pick(sim.nodes), rng.between(50, 2000)));
    every(sim, rng, 1500, 4000, () => {
      sim.net.heal();
      if (rng.chance(0.5)) {
        const minority = sim.nodes.map((n) => n.id).filter(() => rng.chance(0.3)).slice(0, 2);
        sim.net.partition(minority, sim.nodes.map((n) => n.id).filter((v) => !minority.includes(v)));
      }
    });
    every(sim, rng, 200, 700, () => {
      for (const n of sim.up()) if (rng.chance(0.3)) sim.takeSnapshot(n);
    });
    every(sim, rng, 150, 500, () => changeVoters(sim, rng));
  },
  /** Everything at once: crashes mid-step, partitions, snapshots, resignations, message faults. */
  chaos(sim, rng) {
    sim.net.faults = { dropP: 0.05, duplicateP: 0.05, minDelayMs: 1, maxDelayMs: 100 };
    sim.midStepCrashP = 0.002;
    every(sim, rng, 500, 2500, () => sim.crash(rng.pick(sim.nodes), rng.between(50, 2500)));
    every(sim, rng, 1000, 3000, () => sim.pause(rng.pick(sim.nodes), rng.between(200, 3000)));
    every(sim, rng, 800, 3000, () => {
      sim.net.heal();
      if (rng.chance(0.5)) {
        const minority = withSomeObservers(sim, rng, sim.voters.filter(() => rng.chance(0.4)).slice(0, Math.floor(sim.voters.length / 2)));
        sim.net.partition(minority, sim.nodes.map((n) => n.id).filter((v) => !minority.includes(v)));
      }
    });
    every(sim, rng, 150, 600, () => {
      for (const n of sim.up()) if (rng.chance(0.3)) sim.takeSnapshot(n);
    });
    every(sim, rng, 1000, 3000, () => {
      for (const l of sim.leaders()) if (rng.chance(0.5)) sim.feed(l, { kind: 'resign' });
    });
  },
};

/** Asks the leader to add a non-voter or remove a voter (never below one), at random. */
function changeVoters(sim: SimCluster, rng: Prng): void {
  const leader = sim.leaders()[0];
  const core = leader?.core;
  if (leader === undefined || core === undefined) return;
  const voters = core.voters;
  const others = sim.nodes.map((n) => n.id).filter((id) => !voters.includes(id));
  const id = ++sim.proposals;
  if (others.length > 0 && (voters.length <= 1 || rng.chance(0.5))) {
    sim.feed(leader, { kind: 'addVoter', id, voter: replicaKey(rng.pick(others)) });
  } else if (voters.length > 1) {
    sim.feed(leader, { kind: 'removeVoter', id, voter: replicaKey(rng.pick([...voters])) });
  }
}

/** Plays `scenario` for `seed`; a failure is returned, not thrown, with the seed's replay line. */
export function runSeed(scenario: ScenarioName, seed: number, bug?: SimBug, tracing = false): RunResult {
  const dynamic = scenario === 'reconfig';
  const voters = seed % 2 === 0 ? 3 : 5;
  // A dynamic quorum starts with 1 to 3 voters and has 2 spare nodes formatted without voters.
  const cluster = dynamic ? new SimCluster(seed, 1 + (seed % 3), bug, tracing, 0, true, 2) : new SimCluster(seed, voters, bug, tracing, seed % 3);
  const r = cluster.prng.fork();
  let failure: string | undefined;
  try {
    for (const n of cluster.nodes) cluster.start(n);
    setups[scenario](cluster, r);
    every(cluster, r, 20, 150, () => propose(cluster, leaderOrAny(cluster, r), r));
    cluster.run(FAULT_PHASE_MS);
    heal(cluster);
    checkLiveness(cluster);
    checkConvergence(cluster);
  } catch (e) {
    if (!(e instanceof SimViolation) && !(e instanceof Error)) throw e;
    failure = `${e.name}: ${e.message}`;
  }
  return {
    seed,
    scenario,
    voters: cluster.voters.length,
    observers: cluster.observers.length + cluster.spares.length,
    failure,
    elections: cluster.checker.leaderElections,
    committed: cluster.checker.committed.length,
    snapshotsInstalled: cluster.checker.snapshotsInstalled,
    truncations: cluster.checker.truncations,
    observerSteps: cluster.checker.observerSteps,
    voterChanges: cluster.voterChangesDone,
    voterChangesRefused: [...cluster.voterChangesRefused.values()].reduce((a, b) => a + b, 0),
    voterSetsCommitted: cluster.checker.voterSetsCommitted,
    finalVoters: [...(cluster.leaders()[0]?.core?.voters ?? [])],
    steps: cluster.steps,
    trace: cluster.trace,
  };
}

function heal(sim: SimCluster): void {
  sim.log('heal: network calm, every node up');
  sim.net.heal();
  sim.net.faults = { dropP: 0, duplicateP: 0, minDelayMs: 1, maxDelayMs: 5 };
  sim.midStepCrashP = 0;
  for (const n of sim.nodes) sim.start(n);
}

function checkLiveness(sim: SimCluster): void {
  const healedAt = sim.now;
  // One probe per (leader, epoch) it is handed to, each with its own payload: re-proposing the
  // same payload to the next leader could legitimately commit it twice.
  const probes = new Set<string>();
  const handedTo = new Set<string>();
  const committed = (): boolean => [...probes].some((p) => sim.checker.isCommitted(p));
  const tryPropose = (): void => {
    if (committed()) return;
    for (const leader of sim.leaders()) {
      const key = `${leader.id}@${leader.core?.epoch}`;
      if (handedTo.has(key)) continue;
      handedTo.add(key);
      const probe = `live${handedTo.size}`;
      probes.add(probe);
      sim.feed(leader, { kind: 'propose', id: ++sim.proposals, entries: [encoder.encode(probe)] });
    }
    sim.at(sim.now + 100, tryPropose);
  };
  tryPropose();
  if (!sim.run(healedAt + LIVENESS_BOUND_MS, committed)) {
    throw new SimViolation(`liveness: no proposal committed within ${LIVENESS_BOUND_MS} ms after healing (leaders: ${sim.leaders().map((l) => `${l.id}@${l.core?.epoch}`).join(',') || 'none'})`);
  }
}

function checkConvergence(sim: SimCluster): void {
  const target = (): number => Math.max(...sim.nodes.map((n) => n.core?.highWatermark ?? -1));
  const caughtUp = (): boolean => sim.nodes.every((n) => n.core?.highWatermark === target() && n.disk.logEnd >= target());
  // A node may still be stalled by a pause that began before healing.
  const bound = sim.dynamic ? CONVERGE_DYNAMIC_MS : CONVERGE_MS;
  const deadline = Math.max(sim.now, ...sim.nodes.map((n) => n.pausedUntil)) + bound;
  if (!sim.run(deadline, caughtUp)) {
    throw new SimViolation(`convergence: nodes did not catch up within ${bound} ms: ${sim.nodes.map((n) => `${n.id}:hw=${n.core?.highWatermark}`).join(' ')}${sim.dynamic ? ` (${sim.nodes.map((n) => `${n.id}: ${n.core?.role} of ${n.core?.leaderId}@${n.core?.epoch}, voters ${n.core?.voters.join(',')}${n.core?.isObserver ? ', observer' : ''}`).join('; ')})` : ''}`);
  }
  sim.checker.checkConverged(sim.nodes, target());
}

export function replayCommand(scenario: ScenarioName, seed: number, bug?: SimBug): string {
  return `RAFT_SIM_SEED=${seed} RAFT_SIM_SCENARIO=${scenario}${bug ? ` RAFT_SIM_BUG=${bug}` : ''} npx mocha dist/src/testing/raft-sim/raft-sim.test.js`;
}
