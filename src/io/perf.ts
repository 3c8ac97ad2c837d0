/**
 * High-resolution monotonic time, the event loop's busy/idle totals and the process's storage I/O,
 * for metrics: request latency needs sub-millisecond resolution that Clock.nowMs (wall time) lacks,
 * and only src/io/ reads clocks and files.
 */
import { readFileSync } from 'node:fs';
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

/**
 * read_bytes / write_bytes of /proc/self/io (what Kafka's LinuxIoMetricsCollector reports); null
 * where the file does not exist or cannot be read (not Linux, restricted /proc).
 */
export function processDiskIo(): { readBytes: number; writeBytes: number } | null {
  let text: string;
  try {
    text = readFileSync('/proc/self/io', 'utf8');
  } catch {
    return null;
  }
  const field = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s*(\\d+)$`, 'm').exec(text);
    return m?.[1] === undefined ? null : Number(m[1]);
  };
  const readBytes = field('read_bytes');
  const writeBytes = field('write_bytes');
  return readBytes === null || writeBytes === null ? null : { readBytes, writeBytes };
}
