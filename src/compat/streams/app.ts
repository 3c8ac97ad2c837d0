/**
 * Running the Streams row's Java programs (src/compat/streams/java/): the input producer, the
 * exactly-once Streams app itself, and the read_committed reader, each a JVM of its own.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompatEnv } from '../capability.js';
import { javaCommand } from '../jvm/maven.js';
import { assertRanOk, parseJsonLines, runProcess } from '../process.js';
import { producerInput, WINDOW_MS, type InputRecord, type StreamsTopics } from './input.js';
import { JVM_FLAGS as FLAGS, JvmProcess } from './jvm-process.js';
import type { OutputView, OutRecord } from './output.js';

/** Sends `records` in order (idempotent, acks=all); resolves to each partition's end offset ("topic/partition" → end). */
export async function produceInput(env: CompatEnv, cp: string, records: readonly InputRecord[]): Promise<Map<string, number>> {
  const r = await runProcess(javaCommand(), [...FLAGS, '-cp', cp, 'RecordsProducer', env.bootstrap],
    { input: Buffer.from(producerInput(records), 'utf8'), timeoutMs: env.remainingMs(90_000), signal: env.signal });
  assertRanOk(r);
  const ends = new Map<string, number>();
  for (const l of parseJsonLines<{ topic: string; partition: number; end: number }>(r.stdout)) ends.set(`${l.topic}/${l.partition}`, l.end);
  return ends;
}

/** One instance of the application: its id (the group), state dir and static member name persist across restarts. */
export interface AppInstance {
  readonly applicationId: string;
  readonly stateDir: string;
  /** The JVM's java.io.tmpdir: RocksDB unpacks its native library there, and a killed JVM leaves it behind. */
  readonly tmpDir: string;
  readonly instance: string;
}

export function newAppInstance(env: CompatEnv): AppInstance {
  const root = mkdtempSync(join(tmpdir(), 'tributary-streams-'));
  env.onCleanup(() => rmSync(root, { recursive: true, force: true }));
  const tmpDir = join(root, 'tmp');
  mkdirSync(tmpDir);
  // application.id is the group id and the prefix of the internal topics: under the cell's prefix,
  // the run deletes all of them afterwards.
  return { applicationId: env.group('eos-app'), stateDir: join(root, 'state'), tmpDir, instance: 'eos-instance' };
}

export function startApp(env: CompatEnv, cp: string, app: AppInstance, t: StreamsTopics): JvmProcess {
  return new JvmProcess(env, {
    classpath: cp, mainClass: 'EosStreamsApp', jvmFlags: [...FLAGS, `-Djava.io.tmpdir=${app.tmpDir}`],
    args: [env.bootstrap, app.applicationId, app.stateDir, app.instance, String(WINDOW_MS),
      t.lines, t.events, t.users, t.clicks, t.wordCounts, t.windowCounts, t.enriched],
  });
}

export function outputTopics(t: StreamsTopics): string[] {
  return [t.wordCounts, t.windowCounts, t.enriched];
}

/** A reader following the output topics (read_committed) into `view` as records arrive. */
export class OutputFollower {
  readonly proc: JvmProcess;
  private seen = 0;

  constructor(env: CompatEnv, cp: string, t: StreamsTopics, private readonly view: OutputView) {
    this.proc = new JvmProcess(env, { classpath: cp, mainClass: 'CommittedReader', args: [env.bootstrap, 'follow', ...outputTopics(t)] });
  }

  /** Takes in what arrived since the last call; throws when the reader died. */
  catchUp(): OutputView {
    const lines = this.proc.lines;
    for (; this.seen < lines.length; this.seen++) {
      const l = lines[this.seen] ?? '';
      if (l.startsWith('{"topic"')) this.view.add(JSON.parse(l) as OutRecord);
    }
    if (this.proc.exited) throw new Error(`the output reader died\n${this.proc.describe()}`);
    return this.view;
  }
}

/** The output topics from the beginning to their last stable offsets, read_committed, group-less. */
export async function readCommitted(env: CompatEnv, cp: string, t: StreamsTopics): Promise<OutRecord[]> {
  const r = await runProcess(javaCommand(), [...FLAGS, '-cp', cp, 'CommittedReader', env.bootstrap, 'end', ...outputTopics(t)],
    { timeoutMs: env.remainingMs(90_000), signal: env.signal });
  assertRanOk(r);
  return parseJsonLines<OutRecord | { done: number }>(r.stdout).filter((l): l is OutRecord => 'topic' in l);
}
