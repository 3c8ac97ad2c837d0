/**
 * AlterReplicaLogDirs (key 34), v1-v2: moves replicas hosted on this broker to another of its log
 * dirs (`kafka-reassign-partitions` with "log_dirs", `kafka-log-dirs`' admin call). The answer
 * comes once each move has started: the replica keeps serving while its future log is filled in
 * the background, and swaps when it has caught up (DescribeLogDirs shows the future log meanwhile).
 * Kafka 4 serves v1 and up (KIP-896 removed v0).
 *
 * Versions: v1 same as v0; v2 flexible.
 *
 * Errors per partition, as Kafka's: LOG_DIR_NOT_FOUND (57) for a path that is not one of this
 * broker's log dirs (absolute, as DescribeLogDirs names them); REPLICA_NOT_AVAILABLE (9) for a
 * replica not hosted here (its dir is remembered: the replica is created there if it comes later,
 * as a reassignment adding this broker does); KAFKA_STORAGE_ERROR (56) when the future log cannot
 * be created; INVALID_TOPIC_EXCEPTION (17) when the future dir's name would exceed 255 bytes.
 */
import { alterReplicaLogDirsRequestMeta, decodeAlterReplicaLogDirsRequest, type AlterReplicaLogDirsRequest } from '../../protocol/generated/messages/alter-replica-log-dirs-request.js';
import { encodeAlterReplicaLogDirsResponse, type AlterReplicaLogDirTopicResult, type AlterReplicaLogDirsResponse } from '../../protocol/generated/messages/alter-replica-log-dirs-response.js';
import { defineApi } from '../api.js';

export const alterReplicaLogDirsApi = defineApi<AlterReplicaLogDirsRequest, AlterReplicaLogDirsResponse>({
  meta: alterReplicaLogDirsRequestMeta,
  minVersion: 1,
  maxVersion: 2,
  exclusive: false,
  decode: decodeAlterReplicaLogDirsRequest,
  encode: encodeAlterReplicaLogDirsResponse,
  async handle(req, ctx) {
    const byTopic = new Map<string, AlterReplicaLogDirTopicResult>();
    // One at a time, in request order, as Kafka's handler walks them under one lock.
    for (const dir of req.dirs) {
      for (const t of dir.topics) {
        let result = byTopic.get(t.name);
        if (result === undefined) byTopic.set(t.name, (result = { topicName: t.name, partitions: [] }));
        for (const partitionIndex of t.partitions) {
          const errorCode = await ctx.broker.replicas.alterReplicaLogDir(t.name, partitionIndex, dir.path);
          result.partitions.push({ partitionIndex, errorCode });
        }
      }
    }
    return { throttleTimeMs: 0, results: [...byTopic.values()] };
  },
});
