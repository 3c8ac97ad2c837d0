import assert from 'node:assert/strict';
import { CoalescingTask } from './coalescing-task.js';

describe('util/CoalescingTask', () => {
  it('never overlaps runs, and a request made during a run is covered by the next run, shared', async () => {
    let active = 0;
    let runs = 0;
    let state = 0;
    const written: number[] = [];
    const gates: (() => void)[] = [];
    const task = new CoalescingTask(async () => {
      active++;
      assert.equal(active, 1, 'runs never overlap');
      runs++;
      const snapshot = state;
      await new Promise<void>((r) => gates.push(r));
      written.push(snapshot);
      active--;
    });
    state = 1;
    const first = task.request();
    state = 2;
    const second = task.request();
    state = 3;
    const third = task.request();
    assert.equal(runs, 1);
    gates.shift()?.();
    await first;
    await new Promise((r) => setImmediate(r));
    assert.equal(runs, 2, 'the two waiting requests share one run');
    gates.shift()?.();
    await Promise.all([second, third]);
    assert.deepEqual(written, [1, 3], 'the second run wrote the state of both later requests');
  });

  it('a failed run rejects its callers only; the next request runs again', async () => {
    let fail = true;
    const task = new CoalescingTask(async () => {
      if (fail) throw new Error('disk full');
    });
    await assert.rejects(task.request(), /disk full/);
    fail = false;
    await task.request();
  });
});
