/**
 * A fetch parked until it can be answered (Kafka's DelayedFetch): it waits for the high watermark
 * (a follower's fetch: the log end) of any of its partitions to move, reads again, and completes once the read satisfies it (enough
 * bytes, or an error to report) or when its wait runs out, whichever comes first. Moves of the HW
 * wake it; no timer loop polls. At most one re-read runs at a time; a move during a re-read
 * schedules exactly one more.
 */
import type { Clock } from '../io/clock.js';
import type { Partition } from './partition.js';

export interface DelayedFetchSpec<R> {
  /** The partitions whose HW moves may satisfy the fetch (duplicates are fine). */
  readonly partitions: Iterable<Partition>;
  readonly maxWaitMs: number;
  readonly clock: Clock;
  /** Reads every partition of the fetch again. */
  readAll(): Promise<R>;
  /** Whether a read completes the fetch early. */
  satisfied(result: R): boolean;
  /** The answer when a re-read fails (the first read's). */
  readonly fallback: R;
  /** What wakes it: HW moves (consumers), or LEO moves (a follower replica reads to the LEO). */
  readonly wakeOn?: 'highWatermark' | 'logEnd';
}

export function delayFetch<R>(spec: DelayedFetchSpec<R>): Promise<R> {
  return new Promise((resolve) => {
    let done = false;
    let reading = false;
    let again = false;
    const unsubscribes: (() => void)[] = [];
    const finish = (result: R): void => {
      if (done) return;
      done = true;
      timer.cancel();
      for (const u of unsubscribes) u();
      resolve(result);
    };
    const onMove = (): void => {
      if (done) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      spec.readAll().then(
        (r) => {
          reading = false;
          if (spec.satisfied(r)) finish(r);
          else if (again) {
            again = false;
            onMove();
          }
        },
        () => finish(spec.fallback),
      );
    };
    const timer = spec.clock.setTimer(spec.maxWaitMs, () => {
      spec.readAll().then(finish, () => finish(spec.fallback));
    });
    for (const p of new Set(spec.partitions)) unsubscribes.push(spec.wakeOn === 'logEnd' ? p.onLogEnd(onMove) : p.onHighWatermark(onMove));
  });
}
