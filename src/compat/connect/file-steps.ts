/**
 * The Connect rows' story, standalone or distributed: FileStreamSource reads a file into a topic,
 * FileStreamSink writes the topic out to another file, which ends up byte-identical. The worker is
 * stopped (SIGTERM), more lines (non-ASCII UTF-8 among them) are appended to the source file, the
 * worker starts again and the sink file is again the source file byte for byte, no line twice: both connectors resumed from
 * the offsets the worker stored (a file in standalone mode, a topic in distributed mode; the sink's
 * in its consumer group).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompatEnv } from '../capability.js';
import { assertSameFile, fileLines } from './file-data.js';
import {
  baseWorkerProps, connectClasspath, ConnectWorker, freeLoopbackPort, writeProperties, type ConnectMode, type Props,
} from './worker.js';

const FIRST_LINES = 3000;
const MORE_LINES = 1500;

interface Setup {
  readonly dir: string;
  readonly source: string;
  readonly sink: string;
  readonly connectors: readonly { readonly name: string; readonly config: Props }[];
  /** The worker's command-line arguments (standalone: worker and connector properties). */
  readonly args: readonly string[];
  readonly restPort: number;
}

async function setUp(env: CompatEnv, mode: ConnectMode): Promise<Setup> {
  connectClasspath(); // not run here when the jars are not cached
  const dir = mkdtempSync(join(tmpdir(), `tributary-connect-${mode}-`));
  env.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const topic = await env.createTopic('connect-lines', { partitions: 1 });
  const source = join(dir, 'source.txt');
  const sink = join(dir, 'sink.txt');
  const connectors: { name: string; config: Props }[] = [
    { name: env.topic('file-source'), config: {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', 'tasks.max': '1', file: source, topic,
    } },
    { name: env.topic('file-sink'), config: {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'tasks.max': '1', file: sink, topics: topic,
      // The sink's consumer group under the cell's prefix (Kafka's default is connect-<name>), so the run deletes it.
      'consumer.override.group.id': env.group('file-sink'),
    } },
  ];
  const restPort = await freeLoopbackPort();
  const worker: Record<string, string> = baseWorkerProps(env, restPort);
  if (mode === 'standalone') {
    worker['offset.storage.file.filename'] = join(dir, 'connect.offsets');
  } else {
    Object.assign(worker, {
      'group.id': env.group('connect-cluster'),
      'config.storage.topic': env.topic('connect-configs'),
      'offset.storage.topic': env.topic('connect-offsets'),
      'status.storage.topic': env.topic('connect-status'),
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
      'offset.storage.partitions': '2',
      'status.storage.partitions': '1',
    });
  }
  const args = [writeProperties(dir, 'worker.properties', worker)];
  if (mode === 'standalone') connectors.forEach((c, i) => args.push(writeProperties(dir, `connector-${i}.properties`, { name: c.name, ...c.config })));
  // ASCII before the restart (see file-data.ts: FileStreamSource resumes by bytes, counts chars).
  writeFileSync(source, fileLines(0, FIRST_LINES, false), 'utf8');
  return { dir, source, sink, connectors, args, restPort };
}

/** Starts a worker and waits until both connectors run (distributed: created through REST the first time). */
async function startWorker(env: CompatEnv, mode: ConnectMode, s: Setup, create: boolean): Promise<ConnectWorker> {
  const w = new ConnectWorker(env, mode, s.restPort, s.args);
  if (mode === 'distributed' && create) for (const c of s.connectors) await w.createConnector(env, c.name, c.config);
  for (const c of s.connectors) await w.waitRunning(env, c.name);
  return w;
}

/** Waits until the sink file is as long as the source file (failing at once if it grows past it), then compares bytes. */
async function untilSinkMatches(env: CompatEnv, w: ConnectWorker, s: Setup, when: string): Promise<void> {
  const want = readFileSync(s.source);
  const size = (): number => {
    try {
      return statSync(s.sink).size;
    } catch {
      return 0;
    }
  };
  await w.proc.until(`${when}: sink file of ${want.length} bytes`, () => size() >= want.length, env.remainingMs(), 250)
    .catch((e: Error) => {
      throw new Error(`${e.message}\n  sink file: ${size()} bytes`);
    });
  assertSameFile(want, readFileSync(s.sink), when);
}

export async function runFileRoundTrip(env: CompatEnv, mode: ConnectMode): Promise<void> {
  const s = await setUp(env, mode);
  const first = await startWorker(env, mode, s, true);
  await untilSinkMatches(env, first, s, 'first run');
  await first.stop(env);

  appendFileSync(s.source, fileLines(FIRST_LINES, FIRST_LINES + MORE_LINES, true), 'utf8');
  const second = await startWorker(env, mode, s, false);
  await untilSinkMatches(env, second, s, 'after a restart of the worker');
  await second.stop(env);
}
