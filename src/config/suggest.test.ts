import assert from 'node:assert/strict';
import { damerauLevenshtein, nearestKey } from './suggest.js';

describe('nearestKey', () => {
  it('counts a transposition as one edit', () => {
    assert.equal(damerauLevenshtein('num.partitions', 'num.patritions'), 1);
    assert.equal(damerauLevenshtein('abc', 'abc'), 0);
    assert.equal(damerauLevenshtein('', 'ab'), 2);
  });

  it('suggests the closest key, or nothing for a foreign word', () => {
    assert.equal(nearestKey('log.dir5', ['log.dir', 'log.dirs', 'num.partitions']), 'log.dirs');
    assert.equal(nearestKey('num.partitons', ['log.dirs', 'num.partitions']), 'num.partitions');
    assert.equal(nearestKey('completely.unrelated.thing', ['log.dirs']), undefined);
  });
});
