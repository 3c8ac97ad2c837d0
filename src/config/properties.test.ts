import assert from 'node:assert/strict';
import { parseProperties } from './properties.js';
import { ConfigError } from './config-error.js';

const pairs = (text: string): Array<[string, string]> => parseProperties(text).map((e) => [e.key, e.value]);

describe('parseProperties (java.util.Properties semantics)', () => {
  it('reads key=value, key:value and key value, trimming leading whitespace', () => {
    assert.deepEqual(pairs('a=1\n  b : 2\nc 3\n\td\t=\t4'), [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4']]);
  });

  it('skips # and ! comments and blank lines, keeps line numbers', () => {
    const entries = parseProperties('# comment\n\n   ! also\nx=1\n');
    assert.deepEqual(entries, [{ key: 'x', value: '1', line: 4 }]);
  });

  it('a key alone has the empty value; only the first separator splits', () => {
    assert.deepEqual(pairs('lonely\nk=v=w\nk2::x'), [['lonely', ''], ['k', 'v=w'], ['k2', ':x']]);
  });

  it('joins backslash continuations, dropping the next line\'s leading whitespace', () => {
    assert.deepEqual(pairs('listeners=PLAINTEXT://a:1,\\\n    SSL://b:2\n'), [['listeners', 'PLAINTEXT://a:1,SSL://b:2']]);
  });

  it('an even number of trailing backslashes does not continue', () => {
    assert.deepEqual(pairs('a=x\\\\\nb=y'), [['a', 'x\\'], ['b', 'y']]);
  });

  it('a continuation line that looks like a comment is still value', () => {
    assert.deepEqual(pairs('a=1\\\n#2'), [['a', '1#2']]);
  });

  it('a comment line never continues', () => {
    assert.deepEqual(pairs('# c \\\na=1'), [['a', '1']]);
  });

  it('decodes escapes: \\t \\n \\uXXXX \\= \\: and escaped spaces in keys', () => {
    assert.deepEqual(pairs('k\\=1\\:2\\ x=a\\tb\\nc\\u0041\\\\'), [['k=1:2 x', 'a\tb\ncA\\']]);
  });

  it('keeps trailing whitespace of values (ConfigDef trims later)', () => {
    assert.deepEqual(pairs('a=1  '), [['a', '1  ']]);
  });

  it('handles \\r\\n and \\r line endings', () => {
    assert.deepEqual(pairs('a=1\r\nb=2\rc=3'), [['a', '1'], ['b', '2'], ['c', '3']]);
  });

  it('rejects a malformed \\u escape', () => {
    assert.throws(() => parseProperties('a=\\u00G1'), ConfigError);
  });

  it('keeps repeated keys in order', () => {
    assert.deepEqual(pairs('a=1\na=2'), [['a', '1'], ['a', '2']]);
  });
});
