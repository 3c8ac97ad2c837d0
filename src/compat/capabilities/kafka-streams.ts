/**
 * Kafka Streams 4.3.1 with processing.guarantee=exactly_once_v2: a word count (KTable, repartition
 * topic), a windowed count on the records' timestamps and a stream-table join, read back with
 * read_committed; exact after a clean run and after the app is killed (SIGKILL) partway through
 * and restarted. Streams creates its internal topics (repartition, changelogs, replication factor
 * 1), runs transactions that commit its input offsets with its output, and purges repartition
 * topics with DeleteRecords. The story is in ../streams/eos-steps.ts.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { GROUP_APIS } from '../group-steps.js';
import { runStreamsEos } from '../streams/eos-steps.js';
import { TXN_APIS, TXN_OFFSET_APIS } from '../txn-steps.js';

export default defineCapability({
  id: 'kafka-streams-eos',
  title: 'Kafka Streams exactly_once_v2: word count, windowed count, stream-table join; exact after a kill -9 of the app',
  order: 480,
  requires: [
    ...TXN_APIS, ...TXN_OFFSET_APIS, ...GROUP_APIS,
    // Static membership (the restarted app takes its place back): group.instance.id, JoinGroup v5+.
    { api: ApiKey.JoinGroup, minVersion: 5 },
    { api: ApiKey.CreateTopics }, { api: ApiKey.DescribeConfigs }, { api: ApiKey.DeleteRecords }, { api: ApiKey.ListOffsets },
  ],
  timeoutMs: 240_000,
  cells: {
    java: async (env) => runStreamsEos(env),
    'kafka-cli': { notApplicable: 'Kafka Streams is a Java library: see the java column' },
  },
});
