/**
 * `tributary registry --bootstrap`: the schema registry alone, as a process, against a cluster it
 * reaches only through the Kafka protocol (a node with its own registry off); SIGTERM stops it
 * cleanly; bad arguments are a one-line error and exit 2 (a usage error, as every tributary command).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startNode } from '../src/index.js';
import { PACKAGE_ROOT as REPO_ROOT, TRIBUTARY_CLI as CLI } from '../src/compat/package-root.js';
import { runProcess } from './support/helpers.js';


describe('tributary registry --bootstrap', function () {
  this.timeout(90_000);

  it('serves the REST API against a running cluster and stops on SIGTERM', async () => {
    const node = await startNode({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    const child = spawn(process.execPath, [CLI, 'registry', '--bootstrap', node.bootstrap, '--listeners', 'http://127.0.0.1:0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no startup line within 60 s: ${stderr}`)), 60_000);
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /^Tributary schema registry on (http:\/\/\S+?), state in _schemas on /.exec(line);
          if (m?.[1] !== undefined) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      const res = await fetch(`${url}/subjects/cli-value/versions`, { method: 'POST', headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ schema: '"string"' }) });
      assert.deepEqual(await res.json(), { id: 1 });
      assert.deepEqual(await (await fetch(`${url}/subjects`)).json(), ['cli-value']);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await node.stop();
    }
  });

  it('without --bootstrap, or with an unknown flag, says so and exits 2', async () => {
    const none = await runProcess(process.execPath, [CLI, 'registry'], { timeoutMs: 20_000 });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--bootstrap is required/);
    const bad = await runProcess(process.execPath, [CLI, 'registry', '--bootstrap', '127.0.0.1:1', '--nope'], { timeoutMs: 20_000 });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown argument '--nope'/);
  });
});
