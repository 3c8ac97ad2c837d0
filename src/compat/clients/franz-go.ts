/**
 * franz-go (github.com/twmb/franz-go: pkg/kgo, pkg/kadm), through a small Go driver program in
 * src/compat/go/ that speaks the Python drivers' command protocol (`driver <command> '<json>'`, one
 * JSON object per stdout line), so its handle is a PythonHandle and cells written for those
 * commands drive it too.
 *
 * prepare() builds the driver with `go build` into the user's cache, in a folder named by a hash of
 * the driver's sources, go.mod and go.sum: an edited driver is built again, an unchanged one is
 * not. Go's own module cache holds the modules (fetched from the Go module proxy by the build).
 * detect() never builds: it finds the binary of the current sources or names the command that
 * builds it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { cacheRoot, INSTALL_HINT } from '../jvm/maven.js';
import { runProcess } from '../process.js';
import type { ClientAdapter } from './adapter.js';
import { makeDriverHandle, type PythonHandle } from './python.js';

/** The driver's sources (not compiled by tsc: shipped through package.json "files"). */
export const GO_DRIVER_DIR = join(PACKAGE_ROOT, 'src', 'compat', 'go');

/** What the build reads: every .go file, go.mod and go.sum. */
function sourceFiles(): string[] {
  return readdirSync(GO_DRIVER_DIR).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort();
}

/** A hash of the driver's sources: the name of its build folder. */
function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of sourceFiles()) {
    h.update(f).update('\0').update(readFileSync(join(GO_DRIVER_DIR, f))).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

function buildRoot(): string {
  return join(cacheRoot(), 'go');
}

/** Where the binary of the current sources is (or will be) built. */
export function driverBinary(): string {
  return join(buildRoot(), `franz-go-driver-${sourceHash()}`, 'franz-go-driver');
}

/** go build into a temporary name, then rename: a half-written binary is never taken for a build. */
async function prepare(): Promise<string | undefined> {
  const bin = driverBinary();
  if (existsSync(bin)) return undefined;
  const dir = join(bin, '..');
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  const r = await runProcess('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: GO_DRIVER_DIR, timeoutMs: 600_000 });
  if (r.code !== 0) {
    rmSync(tmp, { force: true });
    const why = r.timedOut ? 'timed out' : (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ') || `exit ${r.code}`;
    return `go build of ${GO_DRIVER_DIR} failed: ${why}`;
  }
  renameSync(tmp, bin);
  // Builds of earlier sources are no longer used.
  for (const old of readdirSync(buildRoot())) {
    if (old.startsWith('franz-go-driver-') && join(buildRoot(), old) !== dir) rmSync(join(buildRoot(), old), { recursive: true, force: true });
  }
  return undefined;
}

interface VersionLine {
  franz_go?: string;
  kadm?: string;
  go?: string;
}

export const franzGoAdapter: ClientAdapter<PythonHandle> = {
  title: 'franz-go',
  install: INSTALL_HINT,
  async detect() {
    const bin = driverBinary();
    if (!existsSync(bin)) return { problem: `the franz-go driver is not built for the current sources (${INSTALL_HINT})` };
    const r = await runProcess(bin, ['version'], { timeoutMs: 20_000 });
    if (r.code !== 0) return { problem: `${bin} version failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}` };
    const v = JSON.parse(r.stdout.trim()) as VersionLine;
    const version = (v.franz_go ?? 'unknown').replace(/^v/, '');
    return { handle: makeDriverHandle({ client: 'franz-go', program: bin, args: [] }, version), version };
  },
  prepare,
};
