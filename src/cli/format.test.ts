import assert from 'node:assert/strict';
import { UsageError } from './args.js';
import { formatter, lineParser, recordJson } from './format.js';

const rec = {
  topic: 'orders', partition: 2, offset: 41, timestamp: 1700000000000,
  key: Buffer.from('k1'), value: Buffer.from('hello'), headers: [{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: null }],
};

describe('cli record templates', () => {
  it('prints kcat\'s fields and escapes', () => {
    assert.equal(formatter('%t/%p/%o@%T %k=%v [%h] %K %S 100%%\\n')(rec), 'orders/2/41@1700000000000 k1=hello [a=1,b=] 2 5 100%\n');
    assert.equal(formatter('%k\\t%v')({ ...rec, key: null }), '\thello');
  });

  it('rejects an unknown field as a usage error', () => {
    assert.throws(() => formatter('%x'), UsageError);
    assert.throws(() => lineParser('%o %v'), /only %k %v %h %p/);
  });

  it('parses produce input with the template consume prints it with', () => {
    const template = '%k\\t%h\\t%v';
    const parse = lineParser(template);
    assert.deepEqual(parse('key one\ta=1,b=2\tvalue\twith tab'), { key: 'key one', headers: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], value: 'value\twith tab' });
    assert.deepEqual(parse('k\t\tv'), { key: 'k', headers: [], value: 'v' });
    assert.deepEqual(lineParser('%p:%k=%v')('3:id=x=y'), { partition: 3, key: 'id', value: 'x=y' });
    assert.throws(() => parse('no tabs here'), /does not match --format/);
  });

  it('--json keeps null keys and header values null', () => {
    assert.deepEqual(recordJson({ ...rec, key: null }), {
      topic: 'orders', partition: 2, offset: 41, timestamp: 1700000000000, key: null, value: 'hello',
      headers: [{ key: 'a', value: '1' }, { key: 'b', value: null }],
    });
  });
});
