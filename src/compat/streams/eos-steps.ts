/**
 * The Streams row's story: a Kafka Streams app with processing.guarantee=exactly_once_v2 (word
 * count, windowed count, stream-table join) runs over a first input and stops cleanly; its output,
 * read with read_committed, is exact. More input arrives; the app is started, killed with SIGKILL
 * partway through it (an open transaction, uncommitted state) and started again; the output is
 * still exact: nothing lost, nothing counted twice, no aborted output visible.
 */
import assert from 'node:assert/strict';
import type { CompatEnv } from '../capability.js';
import { newAppInstance, OutputFollower, produceInput, readCommitted, startApp } from './app.js';
import { expectedFor, phaseInput, type Expected, type InputRecord, type Phase, type StreamsTopics } from './input.js';
import type { JvmProcess } from './jvm-process.js';
import { streamsAppClasspath } from './java-build.js';
import { OutputView } from './output.js';

const PARTITIONS = 2;
const FIRST: Phase = { lines: [0, 1500], events: [0, 1500], clicks: [0, 600], users: true };
const SECOND: Phase = { lines: [1500, 5500], events: [1500, 4500], clicks: [600, 2100], users: false };
/** The crash comes once the restarted app has taken in this many of the second phase's 4000 lines. */
const KILL_AFTER_LINES = 1000;

async function createTopics(env: CompatEnv): Promise<StreamsTopics> {
  const make = (tag: string): Promise<string> => env.createTopic(tag, { partitions: PARTITIONS });
  const [lines, events, users, clicks, wordCounts, windowCounts, enriched] = await Promise.all(
    ['lines', 'events', 'users', 'clicks', 'word-counts', 'window-counts', 'enriched'].map(make));
  return { lines: lines!, events: events!, users: users!, clicks: clicks!, wordCounts: wordCounts!, windowCounts: windowCounts!, enriched: enriched! };
}

/** Waits until the followed output has every count and join result, the app still running. */
async function untilComplete(env: CompatEnv, app: JvmProcess, follower: OutputFollower, e: Expected, what: string): Promise<void> {
  await app.until(what, () => follower.catchUp().reached(e), env.remainingMs(), 500)
    .catch((err: Error) => {
      throw new Error(`${err.message}\n  output so far: ${follower.catchUp().summary(e)}`);
    });
}

/** SIGTERM: Streams closes (commits, ends its transaction); the app says so. */
async function stopCleanly(env: CompatEnv, app: JvmProcess): Promise<void> {
  await app.terminate(env.remainingMs(90_000));
  assert.ok(app.json<{ closed?: boolean }>().some((l) => l.closed === true), `the app did not close cleanly\n${app.describe()}`);
}

/** Reads the output topics to their last stable offsets and asserts they are exact. */
async function assertExactOutput(env: CompatEnv, cp: string, t: StreamsTopics, e: Expected, when: string): Promise<void> {
  const view = new OutputView(t);
  for (const r of await readCommitted(env, cp, t)) view.add(r);
  env.note(`${when}: ${view.summary(e)}`);
  try {
    view.assertExact(e);
  } catch (err) {
    throw new Error(`${when}: ${(err as Error).message}`);
  }
}

/** The app consumed all its input: its committed offsets are the input topics' end offsets. */
async function assertAllInputCommitted(env: CompatEnv, group: string, t: StreamsTopics, ends: ReadonlyMap<string, number>): Promise<void> {
  for (const topic of [t.lines, t.events, t.users, t.clicks]) {
    const committed = await env.committedOffsets(group, topic);
    const want = new Map([...Array(PARTITIONS).keys()].map((p) => [p, ends.get(`${topic}/${p}`) ?? 0]));
    assert.deepEqual(committed, want, `the app's committed offsets on ${topic}`);
  }
}

export async function runStreamsEos(env: CompatEnv): Promise<void> {
  const started = Date.now();
  const mark = (what: string): void => env.note(`+${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  const cp = await streamsAppClasspath(env.remainingMs(120_000), env.signal);
  const t = await createTopics(env);
  const app = newAppInstance(env);
  const baseTs = Date.now() - 300_000;
  const input: InputRecord[] = phaseInput(t, FIRST, baseTs);
  const ends = await produceInput(env, cp, input);
  const follower = new OutputFollower(env, cp, t, new OutputView(t));
  mark('first input produced');

  // 1. A clean run over the first input.
  let expected = expectedFor(input, t);
  const run1 = startApp(env, cp, app, t);
  await untilComplete(env, run1, follower, expected, 'first input processed');
  mark('first input processed');
  await stopCleanly(env, run1);
  mark('app stopped (SIGTERM)');

  // 2. More input (produced while the first output is checked); the app is killed partway through
  // it, then started again.
  const more = phaseInput(t, SECOND, baseTs);
  const [, moreEnds] = await Promise.all([
    assertExactOutput(env, cp, t, expected, 'after a clean run'),
    produceInput(env, cp, more),
  ]);
  for (const [tp, end] of moreEnds) ends.set(tp, end);
  input.push(...more);
  expected = expectedFor(input, t);
  mark('first output exact; second input produced');
  const run2 = startApp(env, cp, app, t);
  await run2.until(`${KILL_AFTER_LINES} lines of the second input taken in`,
    () => run2.json<{ lines?: number }>().some((l) => (l.lines ?? 0) >= KILL_AFTER_LINES), env.remainingMs(), 500);
  await run2.crash();
  const upTo = Math.max(...run2.json<{ lines?: number }>().map((l) => l.lines ?? 0));
  // What was committed when the app died (the reader stops at the last stable offsets).
  const atCrash = new OutputView(t);
  for (const r of await readCommitted(env, cp, t)) atCrash.add(r);
  mark(`killed (SIGKILL) after taking in ${upTo} of ${SECOND.lines[1] - SECOND.lines[0]} second-phase lines; committed then: ${atCrash.summary(expected)}`);
  // Otherwise the crash came after the work, and the restart below would prove nothing.
  assert.ok(!atCrash.reached(expected), `the app had committed all its output before the SIGKILL: ${atCrash.summary(expected)}`);
  const run3 = startApp(env, cp, app, t);
  await untilComplete(env, run3, follower, expected, 'all input processed after the crash');
  mark('all input processed after the restart');
  await stopCleanly(env, run3);
  await assertExactOutput(env, cp, t, expected, 'after a SIGKILL and restart');
  await assertAllInputCommitted(env, app.applicationId, t, ends);
}
