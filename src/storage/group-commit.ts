/**
 * Group commit for fsync: callers that arrive while a sync round runs share the NEXT round (they may
 * have appended after the running round captured its target, so joining it would not cover them);
 * callers that arrive while a round is queued share that queued round. At most one round runs and
 * at most one waits, however many callers there are.
 */
export class GroupCommit {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly round: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued !== null) return this.queued;
    if (this.running === null) return this.start();
    const after = this.running.then(noop, noop).then(() => {
      this.queued = null;
      return this.start();
    });
    this.queued = after;
    return after;
  }

  private start(): Promise<void> {
    const p = this.round().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}

function noop(): void {}
