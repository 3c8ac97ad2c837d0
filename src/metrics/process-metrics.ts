/**
 * The process's metrics: prom-client's defaults (CPU, memory, heap spaces, GC, event-loop lag,
 * handles) in one registry per process, plus gauges over sources the node hands in (the event
 * loop's busy/idle time, disk I/O) registered in each node's own registry.
 *
 * The defaults are process-wide on purpose: prom-client's GC observer and event-loop-delay monitor
 * cannot be removed once started, so creating them per node would leak with every embedded node a
 * test starts, and they describe the process anyway. Every node's /metrics includes them.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DISK_IO, EVENT_LOOP, IDLE } from './names.js';

export interface ProcessSources {
  /** The event loop's cumulative busy and idle ms since start. */
  readonly eventLoopTimes: () => { activeMs: number; idleMs: number };
  /** Bytes this process made the kernel read from / write to storage; null where unknown. */
  readonly diskIo: () => { readBytes: number; writeBytes: number } | null;
}

let defaults: Registry | null = null;

/** prom-client's default metrics, started once per process. */
export function defaultMetricsRegistry(): Registry {
  if (defaults !== null) return defaults;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return (defaults = registry);
}

/** The event loop's busy/idle seconds, Kafka's idle ratios and disk I/O, read at scrape time. */
export function registerProcessGauges(registry: Registry, sources: ProcessSources): void {
  const { eventLoopTimes, diskIo } = sources;
  const registers = [registry];
  const cumulative = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  cumulative(EVENT_LOOP.activeSeconds, 'Time the event loop spent running callbacks; rate() over rate(active + idle) is its utilisation', () => eventLoopTimes().activeMs / 1000);
  cumulative(EVENT_LOOP.idleSeconds, 'Time the event loop spent waiting for events', () => eventLoopTimes().idleMs / 1000);
  const idleShare = (): number => {
    const t = eventLoopTimes();
    return t.activeMs + t.idleMs === 0 ? 1 : t.idleMs / (t.activeMs + t.idleMs);
  };
  for (const name of [IDLE.requestHandler, IDLE.networkProcessor]) {
    new Gauge({
      name,
      help: 'Idle share (0..1) of the event loop, which is both network processor and request handler here; mean since start',
      registers,
      collect() {
        this.set(idleShare());
      },
    });
  }
  for (const [name, field] of [[DISK_IO.readBytes, 'readBytes'], [DISK_IO.writeBytes, 'writeBytes']] as const) {
    new Gauge({
      name,
      help: `Bytes the process ${field === 'readBytes' ? 'read from' : 'wrote to'} storage (/proc/self/io)`,
      registers,
      collect() {
        const io = diskIo();
        if (io === null) this.reset();
        else this.set(io[field]);
      },
    });
  }
}
