/**
 * confluent-kafka-python 2.x from PyPI: its manylinux wheel bundles a current librdkafka, unlike
 * Debian's python3-confluent-kafka 1.7 (librdkafka 2.0). prepare() makes a virtualenv under the
 * user's cache (~/.cache/tributary/python/...) and pip-installs the pinned release there; the column
 * then runs the same driver script (src/compat/python/confluent_client.py) with the virtualenv's
 * interpreter. Its consumers keep the classic group protocol (group.protocol is left at its default).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, INSTALL_HINT } from '../jvm/maven.js';
import { runProcess, type RunResult } from '../process.js';
import type { ClientAdapter } from './adapter.js';
import { detectPython, type PythonHandle } from './python.js';

/** The release the column runs (TRIBUTARY_CONFLUENT_KAFKA_VERSION overrides). */
export const CONFLUENT_KAFKA_VERSION = process.env.TRIBUTARY_CONFLUENT_KAFKA_VERSION ?? '2.16.1';

function venvDir(): string {
  return join(cacheRoot(), 'python', `confluent-kafka-${CONFLUENT_KAFKA_VERSION}`);
}

/** The virtualenv's interpreter. */
export function venvPython(): string {
  return join(venvDir(), 'bin', 'python');
}

function lastLines(r: RunResult): string {
  if (r.timedOut) return 'timed out';
  return (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ') || `exit ${r.code}`;
}

/** python3 -m venv (Debian's interpreter first: the one the other Python columns use), then pip install. */
async function prepare(): Promise<string | undefined> {
  if (!existsSync(venvPython())) {
    let made: RunResult | undefined;
    for (const python of ['/usr/bin/python3', 'python3']) {
      made = await runProcess(python, ['-m', 'venv', venvDir()], { timeoutMs: 120_000 });
      if (made.code === 0) break;
    }
    if (made === undefined || made.code !== 0) return `python3 -m venv ${venvDir()} failed: ${made === undefined ? '' : lastLines(made)}`;
  }
  // The avro, json, protobuf and schemaregistry extras: its Avro, JSON Schema and Protobuf serdes and
  // SchemaRegistryClient (the registry rows; json brings python-jsonschema, protobuf google.protobuf).
  const requirement = `confluent-kafka[avro,json,protobuf,schemaregistry]==${CONFLUENT_KAFKA_VERSION}`;
  const pip = await runProcess(venvPython(), ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', requirement], { timeoutMs: 600_000 });
  if (pip.code !== 0) return `pip install ${requirement} failed: ${lastLines(pip)}`;
  return undefined;
}

export const confluentPypiAdapter: ClientAdapter<PythonHandle> = {
  title: 'confluent-kafka-python (PyPI)',
  install: INSTALL_HINT,
  async detect() {
    if (!existsSync(venvPython())) return { problem: `confluent-kafka ${CONFLUENT_KAFKA_VERSION} is not installed in ${venvDir()} (${INSTALL_HINT})` };
    const d = await detectPython('confluent-kafka-python-2', venvPython());
    if ('problem' in d) return { problem: `${d.problem} (${INSTALL_HINT})` };
    return d;
  },
  prepare,
};
