/**
 * How a run restarts the broker it controls, so that one failed restart does not fail every later
 * cell: env.restart() of a restart row, and ensureRunning(), which the runner calls after every
 * restart row, pass or fail, and which brings the broker back when the row left none running (its
 * restart timed out on a busy machine, its stop hung and was SIGKILLed, the new incarnation died).
 *
 * Restarts and recoveries run one after another: a row that timed out while its restart was still
 * under way does not race the recovery; the recovery waits for that restart, then looks.
 */
import type { ControlledProcess } from './broker-process.js';
import type { RestartOptions } from './capability.js';

export interface RestartControls {
  /** Stops (SIGTERM, or SIGKILL with { kill: true }) and starts the broker again on the same log dir and address. */
  restart(opts?: RestartOptions): Promise<void>;
  /** Starts the broker again if no incarnation is running (after waiting for a restart under way). */
  ensureRunning(): Promise<void>;
}

export function restartControls(broker: ControlledProcess, log: (line: string) => void = () => undefined): RestartControls {
  let last: Promise<void> = Promise.resolve();
  const serialize = (fn: () => Promise<void>): Promise<void> => {
    const next = last.catch(() => undefined).then(fn);
    last = next;
    return next;
  };
  // A start that did not get ready in time is killed by restart(); one more try before giving up,
  // since the usual cause is a machine too busy for the first one.
  const startAgain = async (): Promise<void> => {
    try {
      await broker.restart();
    } catch (e) {
      log(`[compat] ${broker.product} did not come back (${firstLine(e)}); starting it again`);
      if (broker.alive) await broker.kill();
      await broker.restart();
    }
  };
  return {
    restart: (opts) => serialize(async () => {
      if (opts?.kill === true) await broker.kill();
      else await broker.stop();
      await startAgain();
    }),
    ensureRunning: () => serialize(async () => {
      if (broker.alive) return;
      log(`[compat] ${broker.product} is not running after a restart row; starting it again`);
      await startAgain();
    }),
  };
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';
}
