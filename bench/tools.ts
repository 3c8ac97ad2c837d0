/**
 * The bench's own C load generators (bench/c/*.c), compiled against Debian's librdkafka-dev into a
 * temp build dir at bench time, and a runner that parses their one-line JSON output.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_NAMES = ['producer-perf', 'consumer-perf', 'e2e-latency', 'mock-broker'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/** bench/ in the source tree (this file runs from dist/bench/). */
export const BENCH_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');
export const REPO_ROOT = path.resolve(BENCH_SRC, '..');

export interface Tools {
  dir: string;
  path(name: ToolName): string;
}

export function buildTools(): Tools {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-bench-bin-'));
  let flags: string[];
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'rdkafka'], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean);
  } catch {
    throw new Error('pkg-config cannot find rdkafka: install Debian\'s librdkafka-dev (apt-get install librdkafka-dev gcc pkg-config)');
  }
  for (const name of TOOL_NAMES) {
    execFileSync('gcc', ['-O2', '-Wall', '-o', path.join(dir, name), path.join(BENCH_SRC, 'c', `${name}.c`), ...flags, '-lpthread'], { stdio: 'inherit' });
  }
  return { dir, path: (name) => path.join(dir, name) };
}

export type ToolResult = Record<string, number | string>;

/** Runs a tool to completion and returns its JSON line; rejects on a non-zero exit or no output. */
export function runTool(tools: Tools, name: ToolName, args: readonly (string | number)[], timeoutMs = 300_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(tools.path(name), args.map(String), { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) {
        // How it ended (a signal leaves no stderr: SIGSEGV, or SIGTERM at the timeout) says more than the message.
        const how = err ? ` (exit code ${String(err.code)}, signal ${String(err.signal)}${err.killed ? ', killed at the timeout' : ''})` : '';
        reject(new Error(`${name} ${args.join(' ')}: ${err ? err.message : 'no output'}${how}\n${stderr.slice(-2000)}`));
        return;
      }
      const parsed = JSON.parse(line) as ToolResult;
      if (err) parsed['exitError'] = err.message.split('\n')[0] ?? '';
      resolve(parsed);
    });
  });
}

export function num(r: ToolResult, key: string): number {
  const v = r[key];
  return typeof v === 'number' ? v : NaN;
}
