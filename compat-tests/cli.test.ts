/**
 * The `tributary` client commands as a user runs them (node bin/tributary.js, a child process per
 * command), against a fresh Tributary and against Apache Kafka 4.3.1 (one process for the suite).
 * Every list and describe command's --json is compared field by field between the two, leaving out
 * what legitimately differs (topic ids, the cluster id, hosts and ports, log dir paths and sizes,
 * Kafka's internal topics). Then a 10,000-record round trip, and a group seek by timestamp checked
 * against kafka-consumer-groups --reset-offsets --to-datetime.
 *
 * Apache Kafka needs its jars (`npx tributary compat --install-clients`) and java: without them the
 * Kafka half is skipped, except under CI=true, where that is a failure.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { CONTROLLED_BROKER_CONFIG } from '../src/compat/capability.js';
import { javaArgs } from '../src/compat/clients/kafka-cli.js';
import { KafkaProcess, kafkaClasspath } from '../src/compat/jvm/kafka-process.js';
import { cachedClasspath, INSTALL_HINT, javaCommand } from '../src/compat/jvm/maven.js';
import { BrokerProcess, REPO_ROOT } from './support/broker-process.js';
import { isCi, printBrokerLogOnFailure, runProcess, type RunResult } from './support/helpers.js';

const CLI = join(REPO_ROOT, 'bin', 'tributary.js');
const CONFIG = { ...CONTROLLED_BROKER_CONFIG };

interface Endpoint {
  readonly name: string;
  readonly bootstrap: string;
}

/** Runs `tributary <args> -b <bootstrap>` with no TRIBUTARY_* settings from the environment. */
async function cli(ep: Endpoint, args: readonly string[], input?: string): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, TRIBUTARY_PROFILE: '/nonexistent' };
  delete env['TRIBUTARY_BROKERS'];
  return runProcess(process.execPath, [CLI, ...args, '-b', ep.bootstrap], { input: input ?? '', env, timeoutMs: 120_000 });
}

async function ok(ep: Endpoint, args: readonly string[], input?: string): Promise<RunResult> {
  const r = await cli(ep, args, input);
  assert.equal(r.code, 0, `${ep.name}: tributary ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(-3000)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  return r;
}

async function okJson<T>(ep: Endpoint, args: readonly string[], input?: string): Promise<T> {
  return JSON.parse((await ok(ep, [...args, '--json'], input)).stdout) as T;
}

async function failsWith(ep: Endpoint, args: readonly string[], code: number, stderr: RegExp): Promise<void> {
  const r = await cli(ep, args);
  assert.equal(r.code, code, `${ep.name}: tributary ${args.join(' ')} exit status\nstderr: ${r.stderr}`);
  assert.match(r.stderr, stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

type Json = Record<string, unknown>;

interface Described { name: string; topicId: string | null; partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[]; replicationFactor: number; internal: boolean; configs: Record<string, string | null> }

/**
 * The whole admin session on one endpoint; returns each list/describe command's --json with the
 * fields that legitimately differ taken out, keyed by step.
 */
async function adminSession(ep: Endpoint, topic: string, group: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const describe = async (): Promise<unknown> => (await okJson<Described[]>(ep, ['topic', 'describe', topic])).map((d) => {
    assert.match(d.topicId ?? '', /^[A-Za-z0-9_-]{22}$/, 'a topic id');
    return { ...d, topicId: '(id)' };
  });
  const ours = <T extends { name?: string; topic?: string }>(xs: T[]): T[] => xs.filter((x) => (x.name ?? x.topic) === topic);

  out['create'] = await okJson(ep, ['topic', 'create', topic, '-p', '3', '-c', 'retention.ms=3600000', '-c', 'cleanup.policy=compact']);
  await failsWith(ep, ['topic', 'create', topic], 1, new RegExp(`^tributary: topic ${topic}: TOPIC_ALREADY_EXISTS: .+`));
  out['list'] = ours(await okJson<Json[]>(ep, ['topic', 'list']) as { name: string }[]);
  out['describe'] = await describe();
  await ok(ep, ['topic', 'alter-config', topic, '--set', 'retention.ms=7200000', '--delete', 'cleanup.policy']);
  out['describe after alter-config'] = await describe();
  await ok(ep, ['topic', 'add-partitions', topic, '--total', '4']);
  out['describe after add-partitions'] = await describe();
  await failsWith(ep, ['topic', 'add-partitions', topic, '--total', '2'], 1, new RegExp(`^tributary: topic ${topic}: INVALID_PARTITIONS`));

  await ok(ep, ['topic', 'produce', topic, '-p', '3', '-H', 'origin=cli', '-H', 'n=1', '--acks', '0', '-z', 'gzip'], 'plain 1\nplain 2\n');
  await ok(ep, ['topic', 'produce', topic, '-p', '3', '-k', '::', '--acks', '1', '-z', 'zstd'], 'key::value::with separator\n');
  // -n waits for the acks=0 records, which have no acknowledgement to wait for.
  out['consume -p 3'] = (await ok(ep, ['topic', 'consume', topic, '-p', '3', '-o', 'beginning', '-n', '3', '--format', '%p %o %k|%v|%h\\n'])).stdout;
  const lines = Array.from({ length: 40 }, (_, i) => `key-${i % 13}\tn=${i},src=cli\tvalue ${i}`).join('\n') + '\n';
  await ok(ep, ['topic', 'produce', topic, '--format', '%k\\t%h\\t%v'], lines);
  const records = (await ok(ep, ['topic', 'consume', topic, '-o', 'beginning', '-e', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
  // Timestamps are the producer's clock: the rest (partition by murmur2, offsets, keys, headers) must agree.
  out['consume'] = records.map((r) => ({ ...r, timestamp: typeof r['timestamp'] }));

  const consumed = (await ok(ep, ['topic', 'consume', topic, '-g', group, '-o', 'beginning', '-n', '12', '--json'])).stdout.trim().split('\n');
  assert.equal(consumed.length, 12, 'consume -g -n 12 prints 12 records');
  const afterConsume = await okJson<{ offsets: { committed: number }[] }>(ep, ['group', 'describe', group]);
  assert.equal(afterConsume.offsets.reduce((s, o) => s + (o.committed ?? 0), 0), 12, 'the group committed exactly the 12 records printed');
  out['group list'] = ours((await okJson<{ group: string }[]>(ep, ['group', 'list'])).map((g) => ({ ...g, name: g.group })));
  // Which partitions the 12 came from is the consumer's choice: `previous` may differ, the plan may not.
  const plan = (rows: Json[]): Json[] => rows.map((r) => ({ ...r, previous: '(consumer\'s choice)' }));
  out['group seek dry run'] = plan(await okJson<Json[]>(ep, ['group', 'seek', group, '--topic', topic, '--to-offset', '5']));
  out['group seek --execute'] = plan(await okJson<Json[]>(ep, ['group', 'seek', group, '--topic', topic, '--to-offset', '5', '--execute']));
  out['group describe'] = await okJson(ep, ['group', 'describe', group]);
  out['group seek --shift-by'] = await okJson(ep, ['group', 'seek', group, '--all-topics', '--shift-by', '-2']);

  const info = await okJson<{ clusterId: string; controllerId: number; brokers: { id: number; host: string; port: number; rack: string | null }[] }>(ep, ['cluster', 'info']);
  assert.ok(info.clusterId.length > 0);
  out['cluster info'] = { controllerId: info.controllerId, brokers: info.brokers.map((b) => ({ id: b.id, rack: b.rack })) };
  out['cluster config get'] = await okJson(ep, ['cluster', 'config', 'get', 'num.partitions', 'message.max.bytes', 'log.retention.check.interval.ms']);
  await ok(ep, ['cluster', 'config', 'set', 'log.cleaner.threads=2', '--broker', '1']);
  out['cluster config after set'] = await okJson(ep, ['cluster', 'config', 'get', 'log.cleaner.threads', '--broker', '1']);
  await ok(ep, ['cluster', 'config', 'set', '--broker', '1', '--delete', 'log.cleaner.threads']);
  const dirs = await okJson<{ broker: number; partitions: { topic: string; partition: number }[] }[]>(ep, ['cluster', 'log-dirs', '--topic', topic]);
  out['cluster log-dirs'] = dirs.map((d) => ({ broker: d.broker, partitions: d.partitions.map((x) => `${x.topic}-${x.partition}`) }));

  await ok(ep, ['group', 'delete', group]);
  out['group list after delete'] = ours((await okJson<{ group: string }[]>(ep, ['group', 'list'])).map((g) => ({ ...g, name: g.group })));
  await failsWith(ep, ['group', 'describe', group], 1, new RegExp(`^tributary: group ${group}: GROUP_ID_NOT_FOUND`));
  await ok(ep, ['topic', 'delete', topic]);
  await failsWith(ep, ['topic', 'describe', topic], 1, new RegExp(`^tributary: topic ${topic}: UNKNOWN_TOPIC_OR_PARTITION`));
  await failsWith(ep, ['topic', 'create', topic, '-p', 'many'], 2, /--partitions must be an integer/);
  return out;
}

/** 10,000 keyed lines with headers in, the same 10,000 out. */
async function roundTrip(ep: Endpoint, topic: string): Promise<void> {
  await ok(ep, ['topic', 'create', topic, '-p', '3']);
  const sent = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i % 977}`, headers: [{ key: 'seq', value: String(i) }, { key: 'kind', value: i % 2 === 0 ? 'even' : 'odd' }], value: `{"i":${i},"text":"line ${i} ${'x'.repeat(i % 50)}"}` }));
  await ok(ep, ['topic', 'produce', topic, '--format', '%k|%h|%v', '-z', 'lz4'], sent.map((r) => `${r.key}|${r.headers.map((h) => `${h.key}=${h.value}`).join(',')}|${r.value}`).join('\n') + '\n');
  const r = await ok(ep, ['topic', 'consume', topic, '--from-beginning', '--json', '-n', '10000']);
  const got = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { key: string; value: string; headers: { key: string; value: string }[] });
  assert.equal(got.length, 10_000);
  const bySeq = got.map((g) => ({ key: g.key, headers: g.headers, value: g.value })).sort((a, b) => Number(a.headers[0]?.value) - Number(b.headers[0]?.value));
  assert.deepEqual(bySeq, sent, 'every record back, identical');
  // A reader that stops early (head) ends the consume quietly: exit 0, nothing on stderr.
  const head = await runProcess('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" topic consume ${topic} --from-beginning -b ${ep.bootstrap} | head -3`], { timeoutMs: 60_000 });
  assert.equal(head.code, 0, `consume | head: ${head.stderr}`);
  assert.equal(head.stdout.split('\n').length, 4);
  assert.equal(head.stderr, '');
  await ok(ep, ['topic', 'delete', topic]);
}

/** Our seek --to-datetime and kafka-consumer-groups --reset-offsets --to-datetime --dry-run give the same offsets. */
async function seekByTime(ep: Endpoint, topic: string, group: string, toolsCp: string): Promise<void> {
  await ok(ep, ['topic', 'create', topic, '-p', '3']);
  const lines = (from: number): string => Array.from({ length: 30 }, (_, i) => `k${from + i}:v${from + i}`).join('\n') + '\n';
  await ok(ep, ['topic', 'produce', topic, '-k', ':'], lines(0));
  await ok(ep, ['topic', 'produce', topic, '-k', ':'], lines(30));
  const records = (await ok(ep, ['topic', 'consume', topic, '--from-beginning', '-e', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { partition: number; offset: number; timestamp: number });
  const sorted = [...records].sort((a, b) => a.timestamp - b.timestamp);
  const at = sorted[40]?.timestamp ?? 0;
  const datetime = new Date(at).toISOString();
  // What it must be: per partition, the first offset whose timestamp is at least `at` (else the log end).
  const expected = [0, 1, 2].map((p) => {
    const mine = records.filter((r) => r.partition === p);
    return { partition: p, offset: mine.find((r) => r.timestamp >= at)?.offset ?? mine.length };
  });
  await ok(ep, ['group', 'seek', group, '--topic', topic, '--to-latest', '--execute']);
  const ourPlan = (await okJson<{ partition: number; offset: number }[]>(ep, ['group', 'seek', group, '--topic', topic, '--to-datetime', datetime]))
    .map((r) => ({ partition: r.partition, offset: r.offset }));
  assert.deepEqual(ourPlan, expected, `seek --to-datetime ${datetime}`);
  const kafka = await runProcess(javaCommand(), javaArgs(toolsCp, 'kafka-consumer-groups',
    ['--bootstrap-server', ep.bootstrap, '--group', group, '--topic', topic, '--reset-offsets', '--to-datetime', datetime, '--dry-run']), { timeoutMs: 120_000 });
  assert.equal(kafka.code, 0, `kafka-consumer-groups: ${kafka.stderr.slice(-2000)}`);
  const theirs = [...kafka.stdout.matchAll(/^\s*(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s*$/gm)].filter((m) => m[2] === topic)
    .map((m) => ({ partition: Number(m[3]), offset: Number(m[4]) })).sort((a, b) => a.partition - b.partition);
  assert.deepEqual(ourPlan, theirs, `tributary group seek and kafka-consumer-groups agree (${datetime})\n${kafka.stdout}`);
  await ok(ep, ['group', 'seek', group, '--topic', topic, '--to-datetime', datetime, '--execute']);
  const committed = (await okJson<{ offsets: { partition: number; committed: number }[] }>(ep, ['group', 'describe', group])).offsets.map((o) => ({ partition: o.partition, offset: o.committed }));
  assert.deepEqual(committed, expected, 'the executed seek committed the planned offsets');
  await ok(ep, ['group', 'delete', group]);
  await ok(ep, ['topic', 'delete', topic]);
}

/** consume -g until Ctrl-C: exit 0, no stack trace, and exactly the records printed committed. */
async function interrupted(ep: Endpoint, topic: string, group: string): Promise<void> {
  await ok(ep, ['topic', 'create', topic, '-p', '2']);
  await ok(ep, ['topic', 'produce', topic], Array.from({ length: 25 }, (_, i) => `line ${i}`).join('\n') + '\n');
  const child = spawn(process.execPath, [CLI, 'topic', 'consume', topic, '-g', group, '-o', 'beginning', '--json', '-b', ep.bootstrap], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  try {
    for (let i = 0; i < 600 && out.split('\n').length <= 25; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(out.trim().split('\n').length, 25, `all 25 records printed before Ctrl-C; stderr: ${err}`);
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
    assert.equal(code, 0, `exit status after SIGINT; stderr: ${err}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  assert.doesNotMatch(err, /\n\s+at |Error:/, 'no stack trace');
  const d = await okJson<{ offsets: { committed: number }[] }>(ep, ['group', 'describe', group]);
  assert.equal(d.offsets.reduce((s, o) => s + o.committed, 0), 25, 'the offsets of every record printed were committed');
  await ok(ep, ['group', 'delete', group]);
  await ok(ep, ['topic', 'delete', topic]);
}

/** consume --read-committed leaves out an aborted transaction's records; without it they show. */
async function readCommitted(ep: Endpoint, topic: string): Promise<void> {
  await ok(ep, ['topic', 'create', topic, '-p', '1']);
  const kafka = new kafkajs.Kafka({ brokers: [ep.bootstrap], clientId: 'cli-test', logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: `${topic}-txn`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const [values, commit] of [[['c0', 'c1'], true], [['a0', 'a1'], false], [['c2'], true]] as const) {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: values.map((value) => ({ value })) });
      await (commit ? txn.commit() : txn.abort());
    }
  } finally {
    await producer.disconnect();
  }
  // -n: the last commit marker may land a moment after commit() returns; a count waits for it.
  const committed = await ok(ep, ['topic', 'consume', topic, '-o', 'beginning', '-n', '3', '--read-committed']);
  assert.deepEqual(committed.stdout.trim().split('\n'), ['c0', 'c1', 'c2']);
  const all = await ok(ep, ['topic', 'consume', topic, '-o', 'beginning', '-n', '5']);
  assert.deepEqual(all.stdout.trim().split('\n'), ['c0', 'c1', 'a0', 'a1', 'c2']);
  await ok(ep, ['topic', 'delete', topic]);
}

describe('tributary client commands (topic, group, cluster) against Tributary and Apache Kafka', function () {
  let broker: BrokerProcess | undefined;
  let kafka: KafkaProcess | undefined;
  let kafkaProblem: string | undefined;
  const run = randomBytes(3).toString('hex');
  const sessions = new Map<string, Record<string, unknown>>();

  before(async function () {
    this.timeout(300_000);
    broker = await BrokerProcess.start({ overrides: CONFIG });
    const cp = kafkaClasspath();
    if ('problem' in cp) {
      kafkaProblem = `Apache Kafka cannot be started here: ${cp.problem}`;
      if (isCi()) throw new Error(`${kafkaProblem}; CI=true, so this is a failure`);
      return;
    }
    kafka = await KafkaProcess.start({ overrides: CONFIG });
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
    printBrokerLogOnFailure(this, kafka);
  });

  after(async function () {
    this.timeout(60_000);
    await broker?.cleanup();
    await kafka?.cleanup();
  });

  const endpoint = (ctx: Mocha.Context, which: 'tributary' | 'kafka'): Endpoint => {
    if (which === 'tributary') return { name: 'Tributary', bootstrap: broker!.bootstrap };
    if (kafka === undefined) {
      console.log(`      [compat] SKIP: ${kafkaProblem ?? 'no Kafka'}. Fetch the jars with: ${INSTALL_HINT}`);
      ctx.skip();
    }
    return { name: 'Apache Kafka', bootstrap: kafka!.bootstrap };
  };

  for (const which of ['tributary', 'kafka'] as const) {
    it(`every command on ${which === 'kafka' ? 'Apache Kafka' : 'Tributary'}: create, list, describe, alter-config, add-partitions, produce, consume, group list/describe/seek/delete, cluster info/config/log-dirs, delete`, async function () {
      this.timeout(300_000);
      const ep = endpoint(this, which);
      sessions.set(which, await adminSession(ep, `cli-${run}-orders`, `cli-${run}-billing`));
    });
  }

  it('the --json of every list and describe command is the same on Tributary as on Apache Kafka, field by field', function () {
    const ours = sessions.get('tributary');
    const theirs = sessions.get('kafka');
    if (ours === undefined) assert.fail('the Tributary session did not run');
    if (theirs === undefined) {
      if (isCi()) assert.fail('the Apache Kafka session did not run');
      this.skip();
    }
    // Not vacuous: the steps hold what the session did.
    assert.equal((ours['consume'] as unknown[]).length, 43);
    assert.equal(ours['consume -p 3'], '3 0 |plain 1|origin=cli,n=1\n3 1 |plain 2|origin=cli,n=1\n3 2 key|value::with separator|\n');
    assert.equal((ours['describe after add-partitions'] as Described[])[0]?.partitions.length, 4);
    assert.deepEqual((ours['describe after alter-config'] as Described[])[0]?.configs, { 'retention.ms': '7200000' });
    assert.deepEqual((ours['group describe'] as { offsets: { committed: number }[] }).offsets.map((o) => o.committed), [5, 5, 5, 5]);
    for (const step of Object.keys(theirs)) assert.deepEqual(ours[step], theirs[step], `step '${step}': Tributary (actual) vs Apache Kafka (expected)`);
    assert.deepEqual(Object.keys(ours), Object.keys(theirs));
  });

  it('usage and connection errors: exit 2 and 1, one line, no stack trace', async function () {
    this.timeout(60_000);
    const dead = { name: 'nothing', bootstrap: '127.0.0.1:1' };
    await failsWith(dead, ['topic', 'list'], 1, /^tributary: cannot connect to 127\.0\.0\.1:1: connection refused/);
    await failsWith(dead, ['-X', 'client.id=early', 'topic', 'list'], 1, /^tributary: cannot connect to 127\.0\.0\.1:1/);
    await failsWith(dead, ['topic', 'list', '--bogus'], 2, /^tributary: Unknown option '--bogus'/);
    await failsWith(dead, ['topic', 'frobnicate'], 2, /^tributary: unknown command 'topic frobnicate'/);
    await failsWith(dead, ['topic', 'list', '-X', 'sasl.mechanism=PLAIN'], 2, /-X sasl\.mechanism: not a client property/);
    const help = await cli(dead, ['help', 'group', 'seek']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n  tributary group seek/);
    for (const line of help.stdout.split('\n')) assert.ok(line.length <= 100, `help fits 100 columns: ${line}`);
  });

  for (const which of ['tributary', 'kafka'] as const) {
    it(`round trip on ${which === 'kafka' ? 'Apache Kafka' : 'Tributary'}: produce 10,000 keyed lines with headers (lz4), consume --json -n 10000 gives them back identical`, async function () {
      this.timeout(300_000);
      await roundTrip(endpoint(this, which), `cli-${run}-bulk`);
    });

    it(`consume -g on ${which === 'kafka' ? 'Apache Kafka' : 'Tributary'}: Ctrl-C exits 0 without a stack trace, its offsets committed`, async function () {
      this.timeout(120_000);
      await interrupted(endpoint(this, which), `cli-${run}-sigint`, `cli-${run}-sigint-group`);
    });

    it(`consume --read-committed on ${which === 'kafka' ? 'Apache Kafka' : 'Tributary'} skips an aborted transaction`, async function () {
      this.timeout(120_000);
      await readCommitted(endpoint(this, which), `cli-${run}-txn`);
    });

    it(`group seek --to-datetime on ${which === 'kafka' ? 'Apache Kafka' : 'Tributary'} lands where kafka-consumer-groups --reset-offsets --to-datetime does`, async function () {
      this.timeout(300_000);
      const ep = endpoint(this, which);
      const tools = cachedClasspath('tools');
      if ('problem' in tools) {
        if (isCi()) assert.fail(`Kafka's CLI tools are not installed: ${tools.problem}`);
        console.log(`      [compat] SKIP: Kafka's CLI tools are not installed (${tools.problem}). ${INSTALL_HINT}`);
        this.skip();
      }
      await seekByTime(ep, `cli-${run}-timed`, `cli-${run}-timed-group`, tools.classpath);
    });
  }
});
