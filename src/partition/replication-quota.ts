/**
 * Replication throttles (KIP-73), as Kafka's ReplicationQuotaManager: one quota for what this
 * broker serves as a leader to catching-up followers, one for what it fetches as a follower.
 *
 * - Which partitions are throttled comes from the topic configs
 *   `leader.replication.throttled.replicas` / `follower.replication.throttled.replicas`:
 *   `partition:broker` pairs (only the pairs naming this broker count) or `*` (every partition).
 * - The bound is this broker's `leader.replication.throttled.rate` /
 *   `follower.replication.throttled.rate` in bytes/s (a dynamic broker config; unset = Long.MAX_VALUE,
 *   no throttle). Both are read through the callbacks at each check, so a config change applies at
 *   once, without a restart.
 * - The rate is Kafka's SimpleRate over `replication.quota.window.num` windows of
 *   `replication.quota.window.size.seconds` (util/windowed-rate.ts). The quota is exceeded once the
 *   measured rate is above the bound; bytes are recorded whether or not it is (in-sync replicas'
 *   traffic counts too, so the total stays under the bound).
 *
 * What a caller does with it (leader: replica-fetch.ts returns no records; follower: the replica
 * fetcher leaves the partition out of its fetch) applies only to replicas not in sync, as Kafka's.
 */
import type { Clock } from '../io/clock.js';
import { ConfigResourceType, type MetadataImage } from '../metadata/metadata-image.js';
import { WindowedRate } from '../util/windowed-rate.js';

/** What the fetch paths ask of a replication quota (Kafka's ReplicaQuota). */
export interface ReplicaQuota {
  isThrottled(topic: string, partition: number): boolean;
  isQuotaExceeded(): boolean;
  record(bytes: number): void;
}

/** Never throttles (a consumer's fetch, or a node with no quotas wired). */
export const UNBOUNDED_QUOTA: ReplicaQuota = {
  isThrottled: () => false,
  isQuotaExceeded: () => false,
  record: () => undefined,
};

export interface ReplicationQuotaSettings {
  readonly localId: number;
  readonly clock: Pick<Clock, 'nowMs'>;
  /** replication.quota.window.num (11). */
  readonly windows: number;
  /** replication.quota.window.size.seconds (1) in ms. */
  readonly windowMs: number;
  /** The bound in bytes/s (Number.MAX_SAFE_INTEGER or more: unthrottled). */
  readonly rate: () => number;
  /** The topic's throttled-replicas config value (undefined or '': none). */
  readonly throttledReplicas: (topic: string) => string | undefined;
}

/** A throttled-replicas value for one broker: every partition, or the ones paired with it. */
export type ThrottledPartitions = 'all' | ReadonlySet<number>;

const NONE: ReadonlySet<number> = new Set();

/** Kafka's parseThrottledPartitions: the partitions `value` pairs with `brokerId` (`*`: all). */
export function parseThrottledReplicas(value: string, brokerId: number): ThrottledPartitions {
  const trimmed = value.trim();
  if (trimmed === '') return NONE;
  if (trimmed === '*') return 'all';
  const partitions = new Set<number>();
  for (const pair of trimmed.split(',')) {
    const [partition, broker] = pair.split(':').map((s) => Number(s.trim()));
    if (broker === brokerId && partition !== undefined && Number.isInteger(partition)) partitions.add(partition);
  }
  return partitions;
}

export class ReplicationQuotaManager implements ReplicaQuota {
  private readonly rate: WindowedRate;
  /** Parsed throttled-replicas values by topic, reparsed when the value changes. */
  private readonly parsed = new Map<string, { value: string; partitions: ThrottledPartitions }>();

  constructor(private readonly settings: ReplicationQuotaSettings) {
    this.rate = new WindowedRate({ windows: settings.windows, windowMs: settings.windowMs });
  }

  isThrottled(topic: string, partition: number): boolean {
    const value = this.settings.throttledReplicas(topic);
    if (value === undefined || value === '') {
      this.parsed.delete(topic);
      return false;
    }
    let entry = this.parsed.get(topic);
    if (entry === undefined || entry.value !== value) {
      entry = { value, partitions: parseThrottledReplicas(value, this.settings.localId) };
      this.parsed.set(topic, entry);
    }
    return entry.partitions === 'all' || entry.partitions.has(partition);
  }

  isQuotaExceeded(): boolean {
    const bound = this.settings.rate();
    if (bound >= Number.MAX_SAFE_INTEGER) return false;
    return this.rate.measure(this.settings.clock.nowMs()) > bound;
  }

  record(bytes: number): void {
    this.rate.record(bytes, this.settings.clock.nowMs());
  }

  /** The measured byte rate (Kafka's `byte-rate` metric of this quota). */
  byteRate(): number {
    return this.rate.measure(this.settings.clock.nowMs());
  }
}

/** Where a broker's quotas read their settings: the metadata image's committed configs. */
export interface ImageQuotaSources {
  readonly image: Pick<MetadataImage, 'resourceConfig' | 'topicConfig'>;
  readonly localId: number;
  readonly clock: Pick<Clock, 'nowMs'>;
  readonly windows: number;
  readonly windowMs: number;
}

/**
 * The leader and follower quotas of broker `localId`, as Kafka's BrokerConfigHandler sets them: a
 * rate from this broker's dynamic config, else the cluster default's, else unbounded (a static
 * value in the properties file is not read, as Kafka's); throttled replicas from each topic's config.
 */
export function imageReplicationQuotas(o: ImageQuotaSources): { leader: ReplicationQuotaManager; follower: ReplicationQuotaManager } {
  const brokerValue = (key: string): number => {
    const v = o.image.resourceConfig(ConfigResourceType.Broker, String(o.localId)).get(key) ?? o.image.resourceConfig(ConfigResourceType.Broker, '').get(key);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : Number.MAX_SAFE_INTEGER;
  };
  const quota = (side: 'leader' | 'follower'): ReplicationQuotaManager => new ReplicationQuotaManager({
    localId: o.localId,
    clock: o.clock,
    windows: o.windows,
    windowMs: o.windowMs,
    rate: () => brokerValue(`${side}.replication.throttled.rate`),
    throttledReplicas: (topic) => o.image.topicConfig(topic).get(`${side}.replication.throttled.replicas`),
  });
  return { leader: quota('leader'), follower: quota('follower') };
}
