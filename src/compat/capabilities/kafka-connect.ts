/**
 * Kafka Connect 4.3.1's own worker (bin/connect-standalone.sh, bin/connect-distributed.sh) against
 * the endpoint: FileStreamSource → topic → FileStreamSink moves a file of a few thousand lines
 * (non-ASCII UTF-8 included) byte-identical; after a stop (SIGTERM) and more lines, the restarted
 * worker resumes from its stored offsets: identical again, no line twice. Distributed mode keeps its
 * configs, offsets and statuses in compacted topics it creates (replication factor 1) and is driven
 * through the REST API. The story is in ../connect/file-steps.ts.
 */
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { runFileRoundTrip } from '../connect/file-steps.js';
import { GROUP_APIS } from '../group-steps.js';

const NOT_JAVA = 'Kafka Connect is one of Kafka\'s tools (bin/connect-*.sh): see the kafka-cli column';
const COMMON = [...GROUP_APIS, { api: ApiKey.ListOffsets, minVersion: 1 }, { api: ApiKey.Fetch, minVersion: 4 }];

export default [
  defineCapability({
    id: 'kafka-connect-standalone',
    title: 'Kafka Connect standalone worker: file source → topic → file sink, byte-identical, resumes after a restart',
    order: 150,
    requires: COMMON,
    timeoutMs: 180_000,
    cells: {
      'kafka-cli': async (env) => runFileRoundTrip(env, 'standalone'),
      java: { notApplicable: NOT_JAVA },
    },
  }),
  defineCapability({
    id: 'kafka-connect-distributed',
    title: 'Kafka Connect distributed worker (REST, storage topics): file source → topic → file sink, resumes after a restart',
    order: 151,
    // The worker creates its compacted storage topics and checks their cleanup.policy.
    requires: [...COMMON, { api: ApiKey.CreateTopics }, { api: ApiKey.DescribeConfigs }],
    timeoutMs: 180_000,
    cells: {
      'kafka-cli': async (env) => runFileRoundTrip(env, 'distributed'),
      java: { notApplicable: NOT_JAVA },
    },
  }),
];
