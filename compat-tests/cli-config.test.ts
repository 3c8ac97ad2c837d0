/**
 * The `tributary start` command configured as Kafka is: an existing server.properties starts
 * unchanged (unimplemented real keys: one warning), KAFKA_* variables override it, --override
 * overrides both, and a typo or a malformed value is a startup error naming the key. What we
 * assert is what a user sees: exit codes, messages, and what a kafkajs client observes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/broker-process.js';
import { runProcess, uniqueTopic } from './support/helpers.js';
import { makeKafka } from './support/kafkajs.js';

const CLI = join(REPO_ROOT, 'bin', 'tributary.js');

/** A server.properties in the shape of Kafka 4's sample config/server.properties. */
function kafkaSampleProperties(logDir: string): string {
  return [
    '# Licensed to the Apache Software Foundation (ASF) ... (a typical server.properties)',
    'process.roles=broker,controller',
    'node.id=1',
    'controller.quorum.bootstrap.servers=localhost:9093',
    'listeners=PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0',
    'inter.broker.listener.name=PLAINTEXT',
    'advertised.listeners=PLAINTEXT://127.0.0.1:0',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'num.network.threads=3',
    'num.io.threads=8',
    'socket.send.buffer.bytes=102400',
    'socket.receive.buffer.bytes=102400',
    'socket.request.max.bytes=104857600',
    `log.dirs=${logDir}`,
    'num.partitions=2',
    'num.recovery.threads.per.data.dir=1',
    'offsets.topic.replication.factor=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'log.retention.hours=168',
    'log.segment.bytes=1073741824',
    'log.retention.check.interval.ms=300000',
    '',
  ].join('\n');
}

interface Started {
  child: ChildProcess;
  bootstrap: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the CLI and resolves with the first advertised PLAINTEXT address it prints. */
function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  // Metrics on a free port: the default 9404 may be taken by another node on this machine.
  const child = spawn(process.execPath, [CLI, 'start', ...args, '--override', 'tributary.metrics.listeners=http://127.0.0.1:0', '--override', 'schema.registry.listeners='], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20s; stderr:\n${err}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on PLAINTEXT:\/\/([^,\s]+)/.exec(out);
      if (m?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({ child, bootstrap: m[1], stderr: () => err, exit });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening; stderr:\n${err}`));
    });
  });
}

describe('tributary start: Kafka-style configuration', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    dirs.push(d);
    return d;
  };
  const envWithout = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KAFKA_')) env[k] = v;
    return { ...env, ...extra };
  };

  after(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts from an unchanged Kafka server.properties, warns once about keys it does not act on, and honours the ones it does', async () => {
    const dir = tempDir();
    const props = join(dir, 'server.properties');
    writeFileSync(props, kafkaSampleProperties(join(dir, 'data')));
    const node = await startCli(['--config', props], envWithout());
    children.push(node.child);
    const warnings = node.stderr().split('\n').filter((l) => l.includes('WARN'));
    assert.equal(warnings.filter((l) => l.includes('num.network.threads')).length, 1, node.stderr());
    assert.ok(warnings.some((l) => l.includes('num.io.threads') && l.includes('socket.send.buffer.bytes')), node.stderr());
    const admin = makeKafka(node.bootstrap, 'cli-config').kafka.admin();
    await admin.connect();
    const topic = uniqueTopic('cli-props');
    await admin.createTopics({ topics: [{ topic }] });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(meta.topics[0]?.partitions.length, 2, 'num.partitions=2 from the file');
    await admin.disconnect();
    node.child.kill('SIGTERM');
    assert.equal(await node.exit, 0, 'SIGTERM is a clean shutdown');
  });

  it('lets KAFKA_* variables override the file, and --override override both', async () => {
    const dir = tempDir();
    const props = join(dir, 'server.properties');
    writeFileSync(props, kafkaSampleProperties(join(dir, 'data')));
    const node = await startCli(['--config', props, '--override', 'default.replication.factor=1'], envWithout({ KAFKA_NUM_PARTITIONS: '4', KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }));
    children.push(node.child);
    const admin = makeKafka(node.bootstrap, 'cli-config').kafka.admin();
    await admin.connect();
    const topic = uniqueTopic('cli-env');
    await admin.createTopics({ topics: [{ topic }] });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    assert.equal(meta.topics[0]?.partitions.length, 4, 'KAFKA_NUM_PARTITIONS=4 beats num.partitions=2 in the file');
    // auto.create.topics.enable=false from the environment: a missing topic stays missing.
    await assert.rejects(admin.fetchTopicMetadata({ topics: [uniqueTopic('cli-missing')] }), /does not host this topic-partition|UNKNOWN_TOPIC/);
    await admin.disconnect();
    node.child.kill('SIGTERM');
    assert.equal(await node.exit, 0);

    const overridden = await startCli(['--config', props, '--override', 'num.partitions=5'], envWithout({ KAFKA_NUM_PARTITIONS: '4' }));
    children.push(overridden.child);
    const admin2 = makeKafka(overridden.bootstrap, 'cli-config').kafka.admin();
    await admin2.connect();
    const t2 = uniqueTopic('cli-override');
    await admin2.createTopics({ topics: [{ topic: t2 }] });
    assert.equal((await admin2.fetchTopicMetadata({ topics: [t2] })).topics[0]?.partitions.length, 5, '--override beats KAFKA_*');
    await admin2.disconnect();
    overridden.child.kill('SIGTERM');
    assert.equal(await overridden.exit, 0);
  });

  it('refuses a typo with the nearest known key, a malformed value naming the key, and a bad env variable', async () => {
    const dir = tempDir();
    const props = join(dir, 'server.properties');
    writeFileSync(props, `log.dir5=${join(dir, 'data')}\n`);
    const typo = await runProcess(process.execPath, [CLI, 'start', '--config', props], { env: envWithout(), timeoutMs: 20_000 });
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /log\.dir5/);
    assert.match(typo.stderr, /log\.dirs/);

    const bad = await runProcess(process.execPath, [CLI, 'start', '--override', 'num.partitions=many', '--override', `log.dirs=${join(dir, 'd2')}`], { env: envWithout(), timeoutMs: 20_000 });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /num\.partitions/);
    assert.match(bad.stderr, /many/);

    const env = await runProcess(process.execPath, [CLI, 'start', '--override', `log.dirs=${join(dir, 'd3')}`], { env: envWithout({ KAFKA_NUM_PARTITONS: '3' }), timeoutMs: 20_000 });
    assert.equal(env.code, 1);
    assert.match(env.stderr, /num\.partitons/);
    assert.match(env.stderr, /num\.partitions/);
  });

  it('a taken metrics port is a one-line startup error naming tributary.metrics.listeners (exit 1, no stack trace)', async () => {
    const dir = tempDir();
    const holder = createServer();
    await new Promise<void>((res) => holder.listen(0, '127.0.0.1', () => res()));
    const port = (holder.address() as { port: number }).port;
    try {
      const taken = await runProcess(process.execPath, [CLI, 'start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${join(dir, 'd4')}`, '--override', `tributary.metrics.listeners=http://127.0.0.1:${port}`], { env: envWithout(), timeoutMs: 20_000 });
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /^tributary: cannot start: tributary\.metrics\.listeners: cannot listen on http:\/\/127\.0\.0\.1:\d+ \(listen EADDRINUSE/m);
      assert.doesNotMatch(taken.stderr, /\n\s+at /, 'no stack trace');
    } finally {
      holder.close();
    }
  });
});
