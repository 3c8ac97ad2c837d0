/**
 * A workload child (workload-child.js) running inside a lab namespace, its stdout kept whole as
 * lines (a reader prints one line per record: ManagedChild keeps only a tail). Killed with the
 * test process if it is still running then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WORKLOAD = join(dirname(fileURLToPath(import.meta.url)), 'workload-child.js');
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export class NsChild {
  readonly lines: string[] = [];
  private stderrTail = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(ns: string, spec: object) {
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, WORKLOAD, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this.child);
    let partial = '';
    this.child.stdout?.setEncoding('utf8');
    this.child.stdout?.on('data', (d: string) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) this.lines.push(l);
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (d: string) => (this.stderrTail = (this.stderrTail + d).slice(-4000)));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => {
        running.delete(this.child);
        resolve(code);
      });
    });
  }

  get stderr(): string {
    return this.stderrTail;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Asks a producer to finish its send in flight and stop. */
  terminate(): void {
    this.child.kill('SIGTERM');
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
