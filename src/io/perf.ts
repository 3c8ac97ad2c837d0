/**
 * High-resolution monotonic time and the event loop's busy/idle totals, for metrics: request
 * latency needs sub-millisecond resolution that Clock.nowMs (wall time) lacks, and only src/io/
 * reads clocks.
 */
import { performance } from 'node:perf_hooks';

/** Milliseconds since process start, fractional, monotonic. */
export function monotonicMs(): number {
  return performance.now();
}

/** Milliseconds the event loop has spent running callbacks (active) and waiting (idle), since start. */
export function eventLoopTimes(): { activeMs: number; idleMs: number } {
  const elu = performance.eventLoopUtilization();
  return { activeMs: elu.active, idleMs: elu.idle };
}
