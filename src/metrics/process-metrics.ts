/**
 * The process's metrics (prom-client's defaults: CPU, memory, heap spaces, GC, event-loop lag,
 * handles; plus the event loop's active/idle seconds), in one registry per process.
 *
 * Process-wide on purpose: prom-client's GC observer and event-loop-delay monitor cannot be
 * removed once started, so creating them per node would leak with every embedded node a test
 * starts, and they describe the process anyway. Every node's /metrics includes this registry.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { EVENT_LOOP } from './names.js';

let shared: Registry | null = null;

export function processRegistry(eventLoopTimes: () => { activeMs: number; idleMs: number }): Registry {
  if (shared !== null) return shared;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
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
  return (shared = registry);
}
