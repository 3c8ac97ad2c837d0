// Imports the facts of Kafka's message schemas (../shared/kafka-protocol) into our own schema files:
// names, types, versions, nullable/tagged versions, tags, defaults, map keys. Prose ("about"),
// comments and listener/entity annotations are dropped: the wire format is the fact we keep.
// Run once per Kafka schema refresh:
//   `node protocol/generator/import-kafka-schemas.mjs [kafkaDir] [releaseMessageDir]`
// The cluster APIs (RELEASE_API_NAMES) come from the Kafka release the compat tests run against, as
// DESIGN.md asks for APIs that changed since the shared 4.0 snapshot: `common/message/` of its
// kafka-clients jar (default: the 4.3.1 jar in ~/.m2, extracted by this script with `unzip`).
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const kafkaDir = process.argv[2] ?? join(root, '..', 'shared', 'kafka-protocol');

// The APIs Tributary serves now or in the issues queued behind it.
const API_NAMES = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator',
  'JoinGroup', 'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups',
  'SaslHandshake', 'ApiVersions', 'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId',
  'OffsetForLeaderEpoch', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers',
  'TxnOffsetCommit', 'DescribeConfigs', 'AlterConfigs', 'SaslAuthenticate', 'CreatePartitions',
  'DeleteGroups', 'IncrementalAlterConfigs', 'OffsetDelete', 'DescribeCluster', 'DescribeProducers',
  'DescribeTransactions', 'ListTransactions', 'DescribeLogDirs', 'DescribeTopicPartitions',
  // Not served, but librdkafka 2.15 sends it when advertised: its codec keeps the captured frames checked.
  'GetTelemetrySubscriptions',
];
// The quorum and the cluster (issue #10): Raft between controllers, brokers and the controller,
// and the admin APIs for leaders, reassignments and log dirs. Taken from the tested release.
const RELEASE_KAFKA_VERSION = '4.3.1';
const RELEASE_API_NAMES = [
  'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum', 'FetchSnapshot',
  'BrokerRegistration', 'BrokerHeartbeat', 'AlterPartition', 'UpdateFeatures', 'ElectLeaders',
  'AlterPartitionReassignments', 'ListPartitionReassignments', 'AlterReplicaLogDirs', 'AllocateProducerIds',
  'AddRaftVoter', 'RemoveRaftVoter',
];
// Raft's own records: control records of the metadata log and its snapshots.
const RAFT_RECORDS = ['LeaderChangeMessage', 'SnapshotHeaderRecord', 'SnapshotFooterRecord', 'VotersRecord', 'KRaftVersionRecord'];
const DATA_MESSAGES = ['ConsumerProtocolSubscription', 'ConsumerProtocolAssignment'];
const METADATA_RECORDS = [
  'TopicRecord', 'PartitionRecord', 'ConfigRecord', 'RemoveTopicRecord', 'PartitionChangeRecord',
  'RegisterBrokerRecord', 'FeatureLevelRecord', 'NoOpRecord', 'ProducerIdsRecord',
  'BrokerRegistrationChangeRecord', 'FenceBrokerRecord', 'UnfenceBrokerRecord',
];
const INTERNAL_RECORDS = [
  ['group-coordinator', ['OffsetCommitKey', 'OffsetCommitValue', 'GroupMetadataKey', 'GroupMetadataValue']],
  ['transaction-coordinator', ['TransactionLogKey', 'TransactionLogValue']],
  ['storage', ['ProducerSnapshot']],
];

const KEEP_TOP = ['apiKey', 'type', 'name', 'validVersions', 'flexibleVersions', 'latestVersionUnstable'];
const KEEP_FIELD = ['name', 'type', 'versions', 'nullableVersions', 'taggedVersions', 'tag', 'default',
  'ignorable', 'mapKey', 'flexibleVersions'];

function readKafkaJson(path) {
  const text = readFileSync(path, 'utf8').split('\n').filter((l) => !/^\s*\/\//.test(l)).join('\n');
  return JSON.parse(text);
}

function pick(obj, keys) {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function convertFields(fields) {
  return fields.map((f) => {
    const out = pick(f, KEEP_FIELD);
    if (f.fields) out.fields = convertFields(f.fields);
    return out;
  });
}

function convert(schema) {
  const out = pick(schema, KEEP_TOP);
  out.fields = convertFields(schema.fields ?? []);
  if (schema.commonStructs) {
    out.commonStructs = schema.commonStructs.map((s) => ({ name: s.name, versions: s.versions, fields: convertFields(s.fields) }));
  }
  return out;
}

function write(folder, schema) {
  const dir = join(root, 'protocol', folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${schema.name}.json`), JSON.stringify(convert(schema), null, 2) + '\n');
}

for (const api of API_NAMES) {
  for (const kind of ['Request', 'Response']) write('messages', readKafkaJson(join(kafkaDir, 'messages', `${api}${kind}.json`)));
}
for (const name of DATA_MESSAGES) write('messages', readKafkaJson(join(kafkaDir, 'messages', `${name}.json`)));
for (const name of RAFT_RECORDS) write('metadata', readKafkaJson(join(kafkaDir, 'messages', `${name}.json`)));
const releaseDir = process.argv[3] ?? extractReleaseMessages();
for (const api of RELEASE_API_NAMES) {
  for (const kind of ['Request', 'Response']) write('messages', readKafkaJson(join(releaseDir, `${api}${kind}.json`)));
}
for (const name of METADATA_RECORDS) write('metadata', readKafkaJson(join(kafkaDir, 'records', 'metadata', `${name}.json`)));
for (const [folder, names] of INTERNAL_RECORDS) {
  for (const name of names) write('internal', readKafkaJson(join(kafkaDir, 'records', folder, `${name}.json`)));
}
// Kafka's error table (code, name, retriable), from the shared reference's errors.md.
const errorsMd = readFileSync(join(kafkaDir, 'errors.md'), 'utf8');
const errors = [...errorsMd.matchAll(/^\|\s*(-?\d+)\s*\|\s*([A-Z_0-9]+)\s*\|\s*(yes|no)\s*\|/gm)].map(([, code, name, retriable]) => ({ code: Number(code), name, retriable: retriable === 'yes' }));
writeFileSync(join(root, 'protocol', 'errors.json'), JSON.stringify(errors, null, 2) + '\n');
console.log('imported schemas and the error table into protocol/');

/** common/message/ of the tested release's kafka-clients jar, extracted into a temp dir. */
function extractReleaseMessages() {
  const jar = join(homedir(), '.m2', 'repository', 'org', 'apache', 'kafka', 'kafka-clients', RELEASE_KAFKA_VERSION, `kafka-clients-${RELEASE_KAFKA_VERSION}.jar`);
  const out = mkdtempSync(join(tmpdir(), 'kafka-messages-'));
  execFileSync('unzip', ['-q', '-o', jar, 'common/message/*.json', '-d', out]);
  return join(out, 'common', 'message');
}
