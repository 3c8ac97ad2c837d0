/**
 * One writer for a task that many callers ask for at once (a checkpoint file rewritten after each
 * change): runs never overlap, and a caller's promise settles only after a run that started after
 * its request, so the state it changed before asking is in what was written. Requests that arrive
 * while a run is under way share the one run that follows it.
 */
export class CoalescingTask {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly task: () => Promise<void>) {}

  /** Settles when a run that started after this call has finished (rejects if that run failed). */
  request(): Promise<void> {
    if (this.running === null) return this.start();
    // A run is under way with state from before this request: wait for it, then run once more.
    this.next ??= this.running.then(() => undefined, () => undefined).then(() => {
      this.next = null;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    const run = this.task().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
