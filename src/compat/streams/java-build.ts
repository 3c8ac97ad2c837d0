/**
 * Compiles the Streams row's Java sources (src/compat/streams/java/, shipped with the package) with
 * `javac` against Kafka's Streams jars, into the user's cache (never the repository): one folder
 * per hash of the sources and the Kafka version, so a run compiles only when they changed. Two
 * runs compiling at once each write a temporary folder and rename it into place.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NotRunError } from '../capability.js';
import { cacheRoot, cachedClasspath, javaCommand, KAFKA_VERSION } from '../jvm/maven.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { assertRanOk, runProcess } from '../process.js';

export const STREAMS_JAVA_DIR = join(PACKAGE_ROOT, 'src', 'compat', 'streams', 'java');

/** The classpath to run the row's Java classes with: the compiled folder, then Kafka Streams' jars. */
export async function streamsAppClasspath(timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const cp = cachedClasspath('streams');
  if ('problem' in cp) throw new NotRunError(cp.problem);
  const sources = readdirSync(STREAMS_JAVA_DIR).filter((f) => f.endsWith('.java')).sort();
  const hash = createHash('sha256').update(KAFKA_VERSION);
  for (const f of sources) hash.update(`\0${f}\0`).update(readFileSync(join(STREAMS_JAVA_DIR, f)));
  const out = join(cacheRoot(), 'streams-app', hash.digest('hex').slice(0, 16));
  if (!existsSync(out)) {
    const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    try {
      const r = await runProcess(javaCommand('javac'), ['-encoding', 'UTF-8', '-cp', cp.classpath, '-d', tmp,
        ...sources.map((f) => join(STREAMS_JAVA_DIR, f))], { timeoutMs, signal });
      if (r.stderr.includes('spawn error')) throw new NotRunError(`javac is not usable here: ${r.stderr.trim()}`);
      assertRanOk(r);
      if (!existsSync(out)) renameSync(tmp, out);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return `${out}${delimiter}${cp.classpath}`;
}
