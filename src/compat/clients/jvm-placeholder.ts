/**
 * PLACEHOLDER for the 'java' and 'kafka-cli' columns until their real adapters (clients/java.ts,
 * clients/kafka-cli.ts) are merged: a column is usable when `java` runs and the Kafka jars its rows
 * need are cached. Its handle carries nothing; the Streams and Connect cells use only env and their
 * own helpers (src/compat/streams/, src/compat/connect/).
 */
import { cachedClasspath, javaCommand, KAFKA_VERSION, type JvmBundle } from '../jvm/maven.js';
import { runProcess } from '../process.js';
import type { Detected } from './adapter.js';

export interface JvmPlaceholderHandle {
  readonly version: string;
}

export async function detectJvm(bundle: JvmBundle): Promise<Detected<JvmPlaceholderHandle>> {
  const r = await runProcess(javaCommand(), ['-version'], { timeoutMs: 30_000 });
  if (r.code !== 0) return { problem: `java is not usable here (${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`})` };
  const cp = cachedClasspath(bundle);
  if ('problem' in cp) return { problem: cp.problem };
  return { handle: { version: KAFKA_VERSION }, version: KAFKA_VERSION };
}
