import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connection, int, parse, UsageError } from './args.js';

describe('cli arguments', () => {
  it('takes negative numbers after value options (--shift-by -5, -o -10)', () => {
    const p = parse(['g', '--shift-by', '-5', '-o', '-10'], { 'shift-by': { type: 'string' }, offset: { type: 'string', short: 'o' } });
    assert.equal(p.values['shift-by'], '-5');
    assert.equal(p.values['offset'], '-10');
    assert.deepEqual(p.positionals, ['g']);
  });

  it('an unknown option or a bad number is a UsageError', () => {
    assert.throws(() => parse(['--nope'], {}), UsageError);
    assert.throws(() => int(parse(['-p', 'x'], { partitions: { type: 'string', short: 'p' } }).values, 'partitions', 1), /must be an integer/);
  });

  it('brokers: -b, then TRIBUTARY_BROKERS, then the profile file, then 127.0.0.1:9092; -X over the profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-args-'));
    try {
      const profile = join(dir, 'p.properties');
      writeFileSync(profile, '# comment\nbrokers=prof:1\nclient.id=from-profile\n');
      const none = { TRIBUTARY_PROFILE: join(dir, 'absent') };
      assert.deepEqual(connection(parse([], {}).values, none).brokers, ['127.0.0.1:9092']);
      assert.deepEqual(connection(parse([], {}).values, { TRIBUTARY_PROFILE: profile }).brokers, ['prof:1']);
      assert.deepEqual(connection(parse([], {}).values, { TRIBUTARY_PROFILE: profile, TRIBUTARY_BROKERS: 'env:1,env:2' }).brokers, ['env:1', 'env:2']);
      const c = connection(parse(['-b', 'flag:1', '-X', 'client.id=x'], {}).values, { TRIBUTARY_PROFILE: profile, TRIBUTARY_BROKERS: 'env:1' });
      assert.deepEqual(c.brokers, ['flag:1']);
      assert.equal(c.properties.get('client.id'), 'x');
      assert.throws(() => connection(parse(['-X', 'novalue'], {}).values, none), /not key=value/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
