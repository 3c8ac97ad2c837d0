/**
 * Kafka's `kafka-features` tool (org.apache.kafka.tools.FeatureCommand, 4.3.1) against a 3-node
 * Tributary cluster (startCluster): `describe` lists metadata.version finalized at 4.0-IV3;
 * `upgrade --metadata 4.0-IV3` succeeds through whichever node the tool asks (a broker that is not
 * the active controller forwards UpdateFeatures to it); a level Tributary does not support is
 * refused with Kafka's message naming the supported level, and the finalized level stays.
 * Skipped when Kafka's CLI jars are not cached, except under CI=true.
 */
import assert from 'node:assert/strict';
import { javaArgs } from '../src/compat/clients/kafka-cli.js';
import { cachedClasspath, INSTALL_HINT, javaCommand } from '../src/compat/jvm/maven.js';
import { startCluster, type RunningCluster } from '../src/local-cluster.js';
import { isCi, runProcess, type RunResult } from './support/helpers.js';

describe('kafka-features (UpdateFeatures, ApiVersions features) against a 3-node Tributary cluster', function () {
  this.timeout(240_000);
  let cluster: RunningCluster | undefined;
  let classpath = '';

  before(async function () {
    const tools = cachedClasspath('tools');
    if ('problem' in tools) {
      if (isCi()) assert.fail(`Kafka's CLI tools are not installed: ${tools.problem}`);
      console.log(`      [compat] SKIP: Kafka's CLI tools are not installed (${tools.problem}). ${INSTALL_HINT}`);
      this.skip();
    }
    classpath = tools.classpath;
    cluster = await startCluster({ nodes: 3 });
  });
  after(async () => {
    await cluster?.stop();
  });

  function features(bootstrap: string, ...args: string[]): Promise<RunResult> {
    return runProcess(javaCommand(), javaArgs(classpath, 'kafka-features', ['--bootstrap-server', bootstrap, ...args]), { timeoutMs: 60_000 });
  }

  async function describeMetadataVersion(bootstrap: string): Promise<string> {
    const r = await features(bootstrap, 'describe');
    assert.equal(r.code, 0, `describe failed: ${r.stdout}${r.stderr}`);
    const line = r.stdout.split('\n').find((l) => l.startsWith('Feature: metadata.version'));
    assert.ok(line !== undefined, `no metadata.version in:\n${r.stdout}`);
    return line;
  }

  it('describe: metadata.version supported and finalized at 4.0-IV3', async () => {
    assert.ok(cluster !== undefined);
    const line = await describeMetadataVersion(cluster.bootstrap);
    assert.match(line, /SupportedMinVersion: 4\.0-IV3\s+SupportedMaxVersion: 4\.0-IV3\s+FinalizedVersionLevel: 4\.0-IV3\s/);
  });

  it('upgrade --metadata 4.0-IV3 succeeds through every node (forwarded to the active controller), and --dry-run too', async () => {
    assert.ok(cluster !== undefined);
    for (const node of cluster.nodes) {
      const r = await features(node.bootstrap, 'upgrade', '--metadata', '4.0-IV3');
      assert.equal(r.code, 0, `upgrade through ${node.bootstrap} failed: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /metadata\.version was upgraded to 25/);
    }
    const dry = await features(cluster.bootstrap, 'upgrade', '--metadata', '4.0-IV3', '--dry-run');
    assert.equal(dry.code, 0, `${dry.stdout}${dry.stderr}`);
    assert.match(await describeMetadataVersion(cluster.bootstrap), /FinalizedVersionLevel: 4\.0-IV3\s/);
  });

  it('a level Tributary does not support is refused with the supported level named; the finalized level stays', async () => {
    assert.ok(cluster !== undefined);
    const up = await features(cluster.bootstrap, 'upgrade', '--feature', 'metadata.version=26');
    assert.notEqual(up.code, 0, `an unsupported level was accepted: ${up.stdout}`);
    assert.match(up.stdout + up.stderr, /Invalid update version 26 for feature metadata\.version\. Local controller \d only supports versions 25/);
    const down = await features(cluster.bootstrap, 'downgrade', '--metadata', '3.9-IV0');
    assert.notEqual(down.code, 0, `a downgrade was accepted: ${down.stdout}`);
    assert.match(down.stdout + down.stderr, /Invalid update version 21 for feature metadata\.version\. Local controller \d only supports versions 25/);
    assert.match(await describeMetadataVersion(cluster.bootstrap), /FinalizedVersionLevel: 4\.0-IV3\s/);
  });
});
