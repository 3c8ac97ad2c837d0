/**
 * Keeps client appends in the order they were asked for when some must be looked at first (a
 * compacted topic's keys, which may mean decompressing): such an append, and every append after
 * it, gets its offsets only once the appends before it have theirs; with none waiting, an append
 * goes straight through.
 */
export class AppendOrder {
  /** Settles when the last prechecked append has its offsets; null when none is waiting. */
  private last: Promise<void> | null = null;

  /**
   * Runs `append` (which assigns offsets synchronously) in request order, after `precheck` when
   * given; a precheck's refusal is the outcome instead.
   */
  run<R>(precheck: (() => Promise<R | null>) | undefined, append: () => Promise<R>): Promise<R> {
    if (precheck === undefined && this.last === null) return append();
    const before = this.last ?? Promise.resolve();
    let placed!: () => void;
    const mine = new Promise<void>((r) => (placed = r));
    this.last = mine;
    const done = (): void => {
      placed();
      if (this.last === mine) this.last = null;
    };
    return before.then(async () => {
      let refused: R | null;
      try {
        refused = precheck === undefined ? null : await precheck();
      } catch (e) {
        done();
        throw e;
      }
      const outcome = refused !== null ? Promise.resolve(refused) : append();
      done(); // offsets are assigned (or the batch refused): the next append may go
      return outcome;
    });
  }
}
