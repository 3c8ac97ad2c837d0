/**
 * A node's timers: what only the active controller does (bootstrap feature levels, fence brokers
 * whose sessions expired) and the housekeeping every node does (idle producer ids, the
 * replication-offset-checkpoint, retention and the cleaner). Each returns a stop handle.
 */
import type { Clock } from './io/clock.js';
import type { Logger } from './util/logger.js';
import type { LoadedConfig } from './config/index.js';
import type { LogManager } from './storage/log-manager.js';
import type { MetadataImage } from './metadata/metadata-image.js';
import type { Controller } from './controller/controller.js';
import type { ClusterControl } from './controller/cluster-control.js';
import { bootstrapFeaturesCommand } from './controller/feature-control.js';
import { HW_CHECKPOINT_INTERVAL_MS } from './partition/high-watermark-checkpoint.js';
import type { ReplicaManager } from './partition/replica-manager.js';

/** Kafka's producer.id.expiration.check.interval.ms default (an internal key there). */
const PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 600_000;

/**
 * What only the active controller does, on a timer: bootstrap the feature levels of a new cluster
 * (once), and fence brokers whose sessions expired (broker.session.timeout.ms). Alone, a node's
 * broker is this very process: it is never fenced for a stall of its own event loop.
 */
export function startControllerDuties(o: { controller: Controller; clusterControl: ClusterControl; clock: Clock; image: MetadataImage; alone: boolean; intervalMs: number; log: Logger }): { stop(): void } {
  let timer: { cancel(): void } | null = null;
  let stopped = false;
  const tick = async (): Promise<void> => {
    if (!o.controller.isActive) return o.clusterControl.deactivate();
    if (!o.image.finalizedFeatures.has('metadata.version')) await o.controller.run(bootstrapFeaturesCommand());
    if (o.alone) return;
    const fenced = await o.clusterControl.fenceExpired(o.clock.nowMs());
    if (fenced.length > 0) o.log.warn(`controller: fenced broker${fenced.length > 1 ? 's' : ''} ${fenced.join(', ')}: no heartbeat within broker.session.timeout.ms`);
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = o.clock.setTimer(o.intervalMs, () => {
      tick().then(schedule, (e: unknown) => {
        if (o.controller.isActive) o.log.warn(`controller: ${e instanceof Error ? e.message : String(e)}`);
        schedule();
      });
    });
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      timer?.cancel();
    },
  };
}

/**
 * The node's periodic housekeeping: producer.id.expiration.ms (partitions forget idle idempotent
 * producers, not ones with an open transaction), each log dir's replication-offset-checkpoint
 * (replica.high.watermark.checkpoint.interval.ms), and the logs' retention and cleaner (started
 * only now: every topic's configs are known, retention must not judge a log by the defaults).
 */
export function startBackgroundTasks(o: { config: LoadedConfig['config']; clock: Clock; log: Logger; replicas: ReplicaManager; logs: LogManager }): { stop(): void } {
  const { config, clock, log, replicas } = o;
  let stopped = false;
  const timers = new Set<{ cancel(): void }>();
  const every = (ms: number, run: () => Promise<void> | void): void => {
    if (stopped) return;
    const t = clock.setTimer(ms, () => {
      timers.delete(t);
      Promise.resolve()
        .then(run)
        .catch((e: unknown) => log.warn(e instanceof Error ? e.message : String(e)))
        .finally(() => every(ms, run));
    });
    timers.add(t);
  };
  every(Math.min(config.producerIdExpirationMs, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS), () => {
    const removed = replicas.expireProducers(clock.nowMs(), config.producerIdExpirationMs);
    if (removed > 0) log.info(`expired ${removed} idle producer ids (producer.id.expiration.ms=${config.producerIdExpirationMs})`);
  });
  every(HW_CHECKPOINT_INTERVAL_MS, () =>
    replicas.checkpointHighWatermarks().catch((e: unknown) => {
      throw new Error(`replication-offset-checkpoint: ${e instanceof Error ? e.message : String(e)}`);
    }),
  );
  o.logs.startBackgroundTasks({
    retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
    cleanerEnabled: config.logCleanerEnable,
    cleanerBackoffMs: config.logCleanerBackoffMs,
  });
  return {
    stop: () => {
      stopped = true;
      for (const t of timers) t.cancel();
      timers.clear();
    },
  };
}
