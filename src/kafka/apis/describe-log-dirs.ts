/**
 * DescribeLogDirs (key 35), v1-v4: each log dir (absolute path) with the partitions stored in it
 * and their sizes (what Kafka UIs show as topic sizes; `kafka-log-dirs --describe`). Kafka 4
 * serves v1 and up (KIP-896 removed v0).
 *
 * Versions: v1 same as v0; v2 flexible; v3 top-level error_code; v4 total_bytes and usable_bytes
 * of each dir's volume (KIP-827).
 *
 * A null topic list describes every partition; otherwise only the listed partitions that exist
 * here (unknown ones are left out, as Kafka does). A replica moving to another dir
 * (AlterReplicaLogDirs) is listed twice: its log, and its future log (is_future_key true) in the
 * target dir. offset_lag as Kafka's: a log's max(HW - LEO, 0), a future log's distance to the
 * log's LEO (what is left to copy).
 *
 * Errors: KAFKA_STORAGE_ERROR (56) for a dir that cannot be described (its volume cannot be read).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { decodeDescribeLogDirsRequest, describeLogDirsRequestMeta, type DescribeLogDirsRequest } from '../../protocol/generated/messages/describe-log-dirs-request.js';
import {
  encodeDescribeLogDirsResponse,
  type DescribeLogDirsResponse,
  type DescribeLogDirsResult,
  type DescribeLogDirsTopic,
} from '../../protocol/generated/messages/describe-log-dirs-response.js';
import type { LogDirDescription } from '../../partition/replica-manager.js';
import { defineApi } from '../api.js';

export const describeLogDirsApi = defineApi<DescribeLogDirsRequest, DescribeLogDirsResponse>({
  meta: describeLogDirsRequestMeta,
  minVersion: 1,
  maxVersion: 4,
  exclusive: false,
  decode: decodeDescribeLogDirsRequest,
  encode: encodeDescribeLogDirsResponse,
  async handle(req, ctx) {
    const wanted = req.topics === null ? null : new Set(req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\0${p}`)));
    let dirs: LogDirDescription[];
    try {
      dirs = await ctx.broker.replicas.describeLogDirs();
    } catch (e) {
      ctx.broker.log.error(`DescribeLogDirs failed: ${e instanceof Error ? e.stack : String(e)}`);
      return { throttleTimeMs: 0, errorCode: ErrorCode.KAFKA_STORAGE_ERROR, results: [] };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: dirs.map((d) => describeDir(d, wanted)) };
  },
});

function describeDir(dir: LogDirDescription, wanted: ReadonlySet<string> | null): DescribeLogDirsResult {
  const topics = new Map<string, DescribeLogDirsTopic>();
  for (const log of dir.logs) {
    if (wanted !== null && !wanted.has(`${log.topic}\0${log.partition}`)) continue;
    let t = topics.get(log.topic);
    if (t === undefined) topics.set(log.topic, (t = { name: log.topic, partitions: [] }));
    t.partitions.push({ partitionIndex: log.partition, partitionSize: BigInt(log.sizeBytes), offsetLag: BigInt(log.offsetLag), isFutureKey: log.isFuture });
  }
  return {
    errorCode: ErrorCode.NONE,
    logDir: dir.logDir,
    topics: [...topics.values()],
    totalBytes: BigInt(dir.totalBytes),
    usableBytes: BigInt(dir.usableBytes),
  };
}
