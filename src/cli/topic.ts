/**
 * `tributary topic create|list|describe|alter-config|add-partitions|delete`: kafka-topics.sh and
 * the topic half of kafka-configs.sh. List and describe print a table, or with --json one document
 * (the fields compat-tests compare against Apache Kafka's answers).
 */
import { addPartitions, alterConfigs, createTopic, deleteTopic, describeTopics, listTopics } from '../client/admin-topics.js';
import { KafkaError } from '../client/kafka-error.js';
import { flag, int, keyValues, strs, UsageError, type Parsed } from './args.js';
import { withCluster, type Command } from './command.js';
import { fields, json, stdout, table } from './output.js';

function names(p: Parsed, what: string): string[] {
  if (p.positionals.length === 0) throw new UsageError(`${what} needs a topic name`);
  return p.positionals;
}

function one(p: Parsed): string {
  const [name, ...rest] = names(p, 'this command');
  if (rest.length > 0) throw new UsageError(`one topic at a time (got ${p.positionals.length})`);
  return name as string;
}

const create: Command = {
  words: ['topic', 'create'],
  summary: 'create topics',
  usage: '<topic>... [-p N] [-r N] [-c <k>=<v>]... [--if-not-exists] [--dry-run]',
  details: `  -p, --partitions N          partitions (default: the broker's num.partitions)
  -r, --replication-factor N  replicas (default: the broker's default.replication.factor)
  -c, --config key=value      a topic config (repeatable)
  --if-not-exists             succeed when the topic exists already
  --dry-run                   validate only (CreateTopics validateOnly)`,
  examples: ['tributary topic create orders -p 6 -c retention.ms=86400000', 'tributary topic create a b c --if-not-exists'],
  options: {
    partitions: { type: 'string', short: 'p' }, 'replication-factor': { type: 'string', short: 'r' },
    config: { type: 'string', short: 'c', multiple: true }, 'if-not-exists': { type: 'boolean' }, 'dry-run': { type: 'boolean' },
  },
  run: (p) => withCluster(p, async (c) => {
    const partitions = int(p.values, 'partitions', -1, 1);
    const replicationFactor = int(p.values, 'replication-factor', -1, 1, 32767);
    const configs = keyValues(strs(p.values, 'config'), '--config');
    const created = [];
    for (const name of names(p, 'create')) {
      try {
        const r = await createTopic(c, { name, partitions, replicationFactor, configs }, flag(p.values, 'dry-run'));
        created.push({ name, partitions: r.partitions, replicationFactor: r.replicationFactor, created: !flag(p.values, 'dry-run') });
      } catch (e) {
        if (!(flag(p.values, 'if-not-exists') && e instanceof KafkaError && e.errorName === 'TOPIC_ALREADY_EXISTS')) throw e;
        created.push({ name, partitions: null, replicationFactor: null, created: false });
      }
    }
    if (flag(p.values, 'json')) json(created);
    else for (const t of created) stdout.write(t.created ? `Created topic ${t.name} (${t.partitions} partitions, replication factor ${t.replicationFactor})\n` : flag(p.values, 'dry-run') ? `Topic ${t.name} would be created\n` : `Topic ${t.name} already exists\n`);
    return 0;
  }),
};

const list: Command = {
  words: ['topic', 'list'],
  summary: 'list topics',
  usage: '[--internal] [--json]',
  details: '  --internal                  include internal topics (__consumer_offsets …)',
  examples: ['tributary topic list', 'tributary topic list --json | jq -r \'.[].name\''],
  options: { internal: { type: 'boolean' } },
  run: (p) => withCluster(p, async (c) => {
    const topics = (await listTopics(c)).filter((t) => flag(p.values, 'internal') || !t.internal);
    if (flag(p.values, 'json')) json(topics);
    else table(['TOPIC', 'PARTITIONS', 'REPLICAS', 'INTERNAL'], topics.map((t) => [t.name, t.partitions, t.replicationFactor, t.internal ? 'yes' : '']));
    return 0;
  }),
};

const describe: Command = {
  words: ['topic', 'describe'],
  summary: 'partitions, leaders, replicas and configs of topics',
  usage: '<topic>... [--json]',
  details: '',
  examples: ['tributary topic describe orders', 'tributary topic describe orders --json'],
  options: {},
  run: (p) => withCluster(p, async (c) => {
    const ds = await describeTopics(c, names(p, 'describe'));
    if (flag(p.values, 'json')) {
      json(ds.map((d) => ({ name: d.name, topicId: d.topicId, partitions: d.partitionInfo, replicationFactor: d.replicationFactor, internal: d.internal, configs: d.configs })));
      return 0;
    }
    ds.forEach((d, i) => {
      if (i > 0) stdout.write('\n');
      fields([['Topic', d.name], ['Topic id', d.topicId], ['Partitions', d.partitions], ['Replication factor', d.replicationFactor],
        ['Configs', Object.entries(d.configs).map(([k, v]) => `${k}=${v ?? ''}`).join(', ') || '-']]);
      stdout.write('\n');
      table(['PARTITION', 'LEADER', 'REPLICAS', 'ISR'], d.partitionInfo.map((x) => [x.partition, x.leader, x.replicas.join(','), x.isr.join(',')]));
    });
    return 0;
  }),
};

const alterConfig: Command = {
  words: ['topic', 'alter-config'],
  summary: 'set or remove topic configs',
  usage: '<topic> [--set <key>=<value>]... [--delete <key>]...',
  details: `  --set key=value             set a config (repeatable)
  --delete key                remove a config, back to the broker default (repeatable)`,
  examples: ['tributary topic alter-config orders --set retention.ms=3600000 --delete cleanup.policy'],
  options: { set: { type: 'string', multiple: true }, delete: { type: 'string', multiple: true } },
  run: (p) => withCluster(p, async (c) => {
    const name = one(p);
    const set = keyValues(strs(p.values, 'set'), '--set');
    const remove = strs(p.values, 'delete');
    if (Object.keys(set).length === 0 && remove.length === 0) throw new UsageError('alter-config needs --set or --delete');
    await alterConfigs(c, 'topic', name, set, remove);
    if (flag(p.values, 'json')) json({ name, set, deleted: remove });
    else stdout.write(`Altered configs of topic ${name}\n`);
    return 0;
  }),
};

const addParts: Command = {
  words: ['topic', 'add-partitions'],
  summary: 'raise a topic\'s partition count',
  usage: '<topic> --total <N>',
  details: '  --total N                   the new partition count (more than it has)',
  examples: ['tributary topic add-partitions orders --total 12'],
  options: { total: { type: 'string', short: 'n' } },
  run: (p) => withCluster(p, async (c) => {
    const name = one(p);
    if (p.values['total'] === undefined) throw new UsageError('add-partitions needs --total N');
    const total = int(p.values, 'total', 0, 1);
    await addPartitions(c, name, total);
    if (flag(p.values, 'json')) json({ name, partitions: total });
    else stdout.write(`Topic ${name} now has ${total} partitions\n`);
    return 0;
  }),
};

const del: Command = {
  words: ['topic', 'delete'],
  summary: 'delete topics',
  usage: '<topic>... [--if-exists]',
  details: '  --if-exists                 succeed when the topic does not exist',
  examples: ['tributary topic delete orders'],
  options: { 'if-exists': { type: 'boolean' } },
  run: (p) => withCluster(p, async (c) => {
    const done = [];
    for (const name of names(p, 'delete')) {
      try {
        await deleteTopic(c, name);
        done.push({ name, deleted: true });
      } catch (e) {
        if (!(flag(p.values, 'if-exists') && e instanceof KafkaError && e.errorName === 'UNKNOWN_TOPIC_OR_PARTITION')) throw e;
        done.push({ name, deleted: false });
      }
    }
    if (flag(p.values, 'json')) json(done);
    else for (const d of done) stdout.write(d.deleted ? `Deleted topic ${d.name}\n` : `Topic ${d.name} does not exist\n`);
    return 0;
  }),
};

export const TOPIC_ADMIN_COMMANDS: readonly Command[] = [create, list, describe, alterConfig, addParts, del];
