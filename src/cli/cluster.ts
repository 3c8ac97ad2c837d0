/**
 * `tributary cluster info|config get|config set|log-dirs`: the cluster's id, controller and brokers
 * (DescribeCluster), broker configs (kafka-configs.sh --entity-type brokers) and log dirs
 * (kafka-log-dirs.sh).
 */
import { alterConfigs, clusterInfo, describeConfigs, describeLogDirs } from '../client/admin-topics.js';
import { flag, int, keyValues, strs, UsageError } from './args.js';
import { withCluster, type Command } from './command.js';
import { fields, json, stdout, table } from './output.js';

const info: Command = {
  words: ['cluster', 'info'],
  summary: 'cluster id, controller and brokers',
  usage: '[--json]',
  details: '',
  examples: ['tributary cluster info', 'tributary cluster info --json | jq .clusterId'],
  options: {},
  run: (p) => withCluster(p, async (c) => {
    const i = await clusterInfo(c);
    if (flag(p.values, 'json')) {
      json(i);
      return 0;
    }
    fields([['Cluster id', i.clusterId], ['Controller', i.controllerId]]);
    stdout.write('\n');
    table(['BROKER', 'HOST', 'PORT', 'RACK'], i.brokers.map((b) => [b.id, b.host, b.port, b.rack]));
    return 0;
  }),
};

/** --broker N, or the first broker; --default: the cluster-wide default (resource name ''). */
async function brokerName(p: Parameters<Command['run']>[0], ids: () => Promise<number[]>): Promise<string> {
  if (flag(p.values, 'default')) {
    if (p.values['broker'] !== undefined) throw new UsageError('--broker and --default exclude each other');
    return '';
  }
  if (p.values['broker'] !== undefined) return String(int(p.values, 'broker', 0, 0));
  const first = (await ids())[0];
  if (first === undefined) throw new Error('the cluster lists no brokers');
  return String(first);
}

const configGet: Command = {
  words: ['cluster', 'config', 'get'],
  summary: 'broker configs (all, or the keys named)',
  usage: '[<key>...] [--broker <id> | --default] [--all] [--json]',
  details: `  --broker N                  broker N (default: the first broker)
  --default                   the cluster-wide dynamic defaults
  --all                       also configs at their default values`,
  examples: ['tributary cluster config get log.retention.ms', 'tributary cluster config get --broker 1 --json'],
  options: { broker: { type: 'string' }, default: { type: 'boolean' }, all: { type: 'boolean' } },
  run: (p) => withCluster(p, async (c) => {
    const name = await brokerName(p, () => c.brokerIds());
    const keys = p.positionals.length > 0 ? p.positionals : null;
    let cs = await describeConfigs(c, 'broker', name, keys);
    if (keys === null && !flag(p.values, 'all')) cs = cs.filter((x) => x.source !== 'DEFAULT_CONFIG');
    if (flag(p.values, 'json')) json(cs);
    else table(['KEY', 'VALUE', 'SOURCE', 'READ-ONLY'], cs.map((x) => [x.name, x.sensitive ? '(sensitive)' : x.value, x.source, x.readOnly ? 'yes' : '']));
    return 0;
  }),
};

const configSet: Command = {
  words: ['cluster', 'config', 'set'],
  summary: 'set (or --delete) dynamic broker configs',
  usage: '<key>=<value>... [--delete <key>]... [--broker <id> | --default]',
  details: `  --broker N                  broker N (default: the cluster-wide default)
  --delete key                remove a dynamic config (repeatable)`,
  examples: ['tributary cluster config set log.cleaner.threads=2', 'tributary cluster config set --broker 1 --delete log.retention.ms'],
  options: { broker: { type: 'string' }, default: { type: 'boolean' }, delete: { type: 'string', multiple: true } },
  run: (p) => withCluster(p, async (c) => {
    const set = keyValues(p.positionals, 'config');
    const remove = strs(p.values, 'delete');
    if (Object.keys(set).length === 0 && remove.length === 0) throw new UsageError('config set needs key=value or --delete key');
    const name = p.values['broker'] === undefined ? '' : String(int(p.values, 'broker', 0, 0));
    await alterConfigs(c, 'broker', name, set, remove);
    if (flag(p.values, 'json')) json({ broker: name === '' ? null : Number(name), set, deleted: remove });
    else stdout.write(`Altered configs of ${name === '' ? 'the cluster default' : `broker ${name}`}\n`);
    return 0;
  }),
};

const logDirs: Command = {
  words: ['cluster', 'log-dirs'],
  summary: 'log dirs of each broker and the partitions in them',
  usage: '[--broker <id>]... [--topic <t>]... [--internal] [--json]',
  details: `  --broker N                  only broker N (repeatable)
  --topic T                   only topic T's partitions (repeatable)
  --internal                  include internal topics' partitions (__consumer_offsets …)`,
  examples: ['tributary cluster log-dirs --topic orders'],
  options: { broker: { type: 'string', multiple: true }, topic: { type: 'string', multiple: true }, internal: { type: 'boolean' } },
  run: (p) => withCluster(p, async (c) => {
    const brokers = strs(p.values, 'broker').map((b) => {
      if (!/^\d+$/.test(b)) throw new UsageError(`--broker must be a broker id, not '${b}'`);
      return Number(b);
    });
    const topics = strs(p.values, 'topic');
    const all = await describeLogDirs(c, brokers.length > 0 ? brokers : null, topics.length > 0 ? topics : null);
    // Internal topics (Kafka's __-prefixed ones) only when asked for, by --internal or by name.
    const dirs = flag(p.values, 'internal') || topics.length > 0 ? all : all.map((d) => ({ ...d, partitions: d.partitions.filter((x) => !x.topic.startsWith('__')) }));
    if (flag(p.values, 'json')) json(dirs);
    else table(['BROKER', 'LOG-DIR', 'TOPIC', 'PARTITION', 'SIZE', 'LAG'],
      dirs.flatMap((d) => (d.partitions.length === 0 ? [[d.broker, d.logDir, d.error ?? '-', null, null, null]] : d.partitions.map((x) => [d.broker, d.logDir, x.topic, x.partition, x.sizeBytes, x.offsetLag]))));
    return 0;
  }),
};

export const CLUSTER_COMMANDS: readonly Command[] = [info, configGet, configSet, logDirs];

