/**
 * replica.alter.log.dirs.io.max.bytes.per.second (KIP-113): the bound on the bytes this broker's
 * log-dir moves copy, as Kafka's alter-log-dirs quota: measured over
 * alter.log.dirs.replication.quota.window.num windows of .window.size.seconds, read from this
 * broker's dynamic config, else the cluster default, else unbounded (a static value is not read, as
 * Kafka's). A move records each chunk it copies, then waits while the rate is over the bound
 * (Kafka's ReplicaAlterLogDirsThread skips a fetch round instead).
 *
 * The wait is in steps and at most `maxWaitMs` per chunk, because cancelling a move waits for the
 * chunk in hand: with 1 MiB chunks the bound holds down to about 1 MiB/s.
 */
import type { Clock } from '../io/clock.js';
import { ConfigResourceType, type MetadataImage } from '../metadata/metadata-image.js';
import { WindowedRate } from '../util/windowed-rate.js';

export const ALTER_LOG_DIRS_RATE_KEY = 'replica.alter.log.dirs.io.max.bytes.per.second';

export interface LogDirMoveThrottleOptions {
  readonly image: Pick<MetadataImage, 'resourceConfig'>;
  readonly localId: number;
  readonly clock: Clock;
  readonly windows: number;
  readonly windowMs: number;
  /** Longest wait for one chunk (default one window). */
  readonly maxWaitMs?: number;
}

const WAIT_STEP_MS = 100;

export function logDirMoveThrottle(o: LogDirMoveThrottleOptions): { throttle: (bytes: number) => Promise<void>; byteRate: () => number } {
  const rate = new WindowedRate({ windows: o.windows, windowMs: o.windowMs });
  const bound = (): number => {
    const v = o.image.resourceConfig(ConfigResourceType.Broker, String(o.localId)).get(ALTER_LOG_DIRS_RATE_KEY) ?? o.image.resourceConfig(ConfigResourceType.Broker, '').get(ALTER_LOG_DIRS_RATE_KEY);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) && n >= 0 ? n : Number.MAX_SAFE_INTEGER;
  };
  const exceeded = (): boolean => bound() < Number.MAX_SAFE_INTEGER && rate.measure(o.clock.nowMs()) > bound();
  const throttle = async (bytes: number): Promise<void> => {
    rate.record(bytes, o.clock.nowMs());
    const until = o.clock.nowMs() + (o.maxWaitMs ?? o.windowMs);
    while (exceeded() && o.clock.nowMs() < until) await new Promise<void>((resolve) => o.clock.setTimer(WAIT_STEP_MS, resolve));
  };
  return { throttle, byteRate: () => rate.measure(o.clock.nowMs()) };
}
