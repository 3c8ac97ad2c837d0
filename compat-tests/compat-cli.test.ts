/**
 * `tributary compat` as a user runs it: against a second, separately started Tributary with
 * --bootstrap (the same all-pass matrix as compat-tests/matrix.test.ts, in JSON), and against a port
 * where nothing listens (a clear error and exit status 2 within seconds, not a hang).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { BrokerProcess, REPO_ROOT } from './support/broker-process.js';
import { printBrokerLogOnFailure, runProcess, isCi } from './support/helpers.js';
import type { MatrixResult } from '../src/compat/runner.js';

const CLI = join(REPO_ROOT, 'bin', 'tributary.js');

/**
 * The client columns that start in milliseconds: these tests check the command (--bootstrap, the
 * formats, the sweep), not the clients; every column runs in matrix.test.ts and kafka-oracle.test.ts.
 */
const FAST_CLIENTS = 'kafkajs,kcat,confluent-kafka-python,kafka-python';

/** A port nothing listens on: bind one, close it. */
async function deadPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

describe('tributary compat (the CLI)', function () {
  let broker: BrokerProcess | undefined;

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
  });

  after(async function () {
    this.timeout(30_000);
    await broker?.cleanup();
  });

  it('--bootstrap <a second Tributary> --format json: every cell that applies passes, nothing is left behind', async function () {
    this.timeout(300_000);
    broker = await BrokerProcess.start();
    const r = await runProcess(process.execPath, [CLI, 'compat', '--bootstrap', broker.bootstrap, '--format', 'json', '--clients', FAST_CLIENTS], { timeoutMs: 280_000 });
    assert.ok(!r.timedOut, 'tributary compat timed out');
    let m: MatrixResult;
    try {
      m = JSON.parse(r.stdout) as MatrixResult;
    } catch {
      assert.fail(`stdout is not JSON (exit ${r.code}):\n${r.stdout.slice(0, 2000)}\nstderr:\n${r.stderr.slice(-4000)}`);
    }
    const failed = m.cells.filter((c) => c.status === 'fail');
    assert.deepEqual(failed.map((c) => `${c.capability} × ${c.client}: ${c.reason}`), [], `failures; stderr:\n${r.stderr.slice(-6000)}`);
    assert.equal(r.code, 0, `exit status; stderr:\n${r.stderr.slice(-4000)}`);
    assert.equal(m.endpoint.bootstrap, broker.bootstrap);
    assert.equal(m.endpoint.startedByRun, false);
    assert.equal(m.endpoint.clusterId, broker.clusterId);
    assert.ok(m.capabilities.length >= 10, `only ${m.capabilities.length} capabilities`);
    assert.equal(m.cells.length, m.capabilities.length * m.clients.length, 'one cell per capability × client');
    for (const c of m.clients) assert.ok(c.version !== undefined || !isCi(), `${c.id} absent under CI: ${c.problem}`);

    // The same matrix as against a broker the run controls, except what needs that control.
    for (const cell of m.cells) {
      if (cell.status === 'pass' || cell.status === 'not-applicable') continue;
      const cap = m.capabilities.find((c) => c.id === cell.capability);
      const client = m.clients.find((c) => c.id === cell.client);
      const allowed = cap?.unsupported?.startsWith('needs a broker the run controls') === true
        || (!isCi() && (client?.version === undefined || cell.status === 'not-run'));
      assert.ok(allowed, `${cell.capability} × ${cell.client}: ${cell.status}: ${cell.reason}`);
    }
    const restart = m.cells.filter((c) => c.capability === 'restart-durability' && c.status !== 'not-applicable');
    assert.ok(restart.length > 0 && restart.every((c) => c.status === 'not-run' && /run controls/.test(c.reason ?? '')),
      `restart-durability must be "not run: needs a broker the run controls" with --bootstrap: ${JSON.stringify(restart)}`);

    // Cleanup: no topic of the run is left on the endpoint.
    const left = await runProcess(process.execPath, [CLI, 'topic', 'list', '--json', '-b', broker.bootstrap], { timeoutMs: 20_000 });
    assert.equal(left.code, 0, left.stderr);
    const names = (JSON.parse(left.stdout) as { name: string }[]).map((t) => t.name);
    assert.deepEqual(names.filter((n) => n.startsWith('tributary-compat-')), [], 'topics left behind');
  });

  it('--format markdown and junit render the same run', async function () {
    this.timeout(120_000);
    const b = broker ?? (broker = await BrokerProcess.start());
    const md = await runProcess(process.execPath, [CLI, 'compat', '--bootstrap', b.bootstrap, '--only', 'cluster-metadata,admin-configs', '--clients', FAST_CLIENTS, '--format', 'markdown'], { timeoutMs: 100_000 });
    assert.equal(md.code, 0, md.stderr);
    const lines = md.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('| capability |'));
    assert.ok(header !== undefined, md.stdout);
    assert.match(header, /\| kafkajs \d+\.\d+\.\d+ \|/);
    assert.ok(lines.some((l) => /^\| cluster metadata .*\| pass \|/.test(l)), md.stdout);
    assert.ok(lines.some((l) => /^\| admin: describe configs.*\| not run: kcat has no admin API \|/.test(l)), md.stdout);

    const ju = await runProcess(process.execPath, [CLI, 'compat', '--bootstrap', b.bootstrap, '--only', 'cluster-metadata', '--clients', FAST_CLIENTS, '--format', 'junit'], { timeoutMs: 100_000 });
    assert.equal(ju.code, 0, ju.stderr);
    assert.match(ju.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="tributary compat [^"]+" tests="4" failures="0"/);
    assert.match(ju.stdout, /<testcase classname="compat.cluster-metadata" name="kafkajs [^"]+" time="[\d.]+"\/>/);
  });

  it('against a port where nothing listens: a clear error and exit status 2 within seconds', async function () {
    this.timeout(20_000);
    const port = await deadPort();
    const started = Date.now();
    const r = await runProcess(process.execPath, [CLI, 'compat', '--bootstrap', `127.0.0.1:${port}`], { timeoutMs: 15_000 });
    const took = Date.now() - started;
    assert.ok(!r.timedOut, 'tributary compat hung against a dead port');
    assert.equal(r.code, 2, `exit status; stderr: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`));
    assert.ok(took < 10_000, `took ${took} ms`);
    assert.equal(r.stdout, '', 'no matrix is printed');
  });

  it('usage errors exit 2 with the usage text', async function () {
    const r = await runProcess(process.execPath, [CLI, 'compat', '--format', 'yaml'], { timeoutMs: 15_000 });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--format must be one of text, markdown, json, junit/);
    assert.match(r.stderr, /Usage:/);
  });
});
