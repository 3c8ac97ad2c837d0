import assert from 'node:assert/strict';
import { imageReplicationQuotas, parseThrottledReplicas, ReplicationQuotaManager } from './replication-quota.js';

class FakeClock {
  now = 1_700_000_000_000;
  nowMs(): number {
    return this.now;
  }
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

function manager(clock: FakeClock, state: { rate: number; replicas: Record<string, string> }, localId = 1): ReplicationQuotaManager {
  return new ReplicationQuotaManager({
    localId,
    clock,
    windows: 11,
    windowMs: 1000,
    rate: () => state.rate,
    throttledReplicas: (topic) => state.replicas[topic],
  });
}

describe('replication quotas (KIP-73)', () => {
  it('parses throttled replicas as Kafka does: this broker\'s pairs, or every partition for *', () => {
    assert.equal(parseThrottledReplicas('*', 1), 'all');
    assert.deepEqual([...(parseThrottledReplicas('0:1,1:2,2:1', 1) as Set<number>)], [0, 2]);
    assert.deepEqual([...(parseThrottledReplicas(' 0 : 2 , 3:2', 2) as Set<number>)], [0, 3]);
    assert.deepEqual([...(parseThrottledReplicas('', 1) as Set<number>)], []);
    assert.deepEqual([...(parseThrottledReplicas('0:2', 1) as Set<number>)], []);
  });

  it('isThrottled follows the topic config as it changes', () => {
    const state = { rate: 1000, replicas: {} as Record<string, string> };
    const q = manager(new FakeClock(), state);
    assert.equal(q.isThrottled('t', 0), false);
    state.replicas.t = '0:1,2:3';
    assert.equal(q.isThrottled('t', 0), true);
    assert.equal(q.isThrottled('t', 2), false, 'partition 2 is throttled on broker 3, not here');
    assert.equal(q.isThrottled('other', 0), false);
    state.replicas.t = '*';
    assert.equal(q.isThrottled('t', 7), true);
    state.replicas.t = '';
    assert.equal(q.isThrottled('t', 0), false);
  });

  it('is exceeded once the measured rate passes the bound, and recovers as time passes', () => {
    const clock = new FakeClock();
    const state = { rate: 1000, replicas: {} };
    const q = manager(clock, state);
    q.record(600);
    assert.equal(q.isQuotaExceeded(), false, '600 B over the first 1 s window');
    q.record(500);
    assert.equal(q.isQuotaExceeded(), true, '1100 B/s > 1000');
    clock.now += 500;
    assert.equal(q.isQuotaExceeded(), true, 'the first window still counts as 1 s');
    clock.now += 700;
    assert.equal(q.isQuotaExceeded(), false, '1100 B over 1.2 s');
    assert.ok(Math.abs(q.byteRate() - 1100 / 1.2) < 1e-6);
  });

  it('takes a new bound at once, and never throttles when unset (Long.MAX_VALUE)', () => {
    const clock = new FakeClock();
    const state = { rate: 100, replicas: {} };
    const q = manager(clock, state);
    q.record(10_000);
    assert.equal(q.isQuotaExceeded(), true);
    state.rate = 20_000;
    assert.equal(q.isQuotaExceeded(), false);
    state.rate = UNBOUNDED;
    q.record(1e12);
    assert.equal(q.isQuotaExceeded(), false);
  });

  it('reads its bounds from the image: this broker\'s dynamic config, else the cluster default, else unbounded', () => {
    const clock = new FakeClock();
    const brokerConfigs = new Map<string, Map<string, string>>([['', new Map()], ['2', new Map()]]);
    const topicConfigs = new Map<string, Map<string, string>>([['t', new Map([['leader.replication.throttled.replicas', '0:2'], ['follower.replication.throttled.replicas', '*']])]]);
    const image = {
      resourceConfig: (_type: number, name: string) => brokerConfigs.get(name) ?? new Map<string, string>(),
      topicConfig: (topic: string) => topicConfigs.get(topic) ?? new Map<string, string>(),
    };
    const { leader, follower } = imageReplicationQuotas({ image, localId: 2, clock, windows: 11, windowMs: 1000 });
    assert.equal(leader.isThrottled('t', 0), true);
    assert.equal(leader.isThrottled('t', 1), false);
    assert.equal(follower.isThrottled('t', 1), true);
    leader.record(5000);
    follower.record(5000);
    assert.equal(leader.isQuotaExceeded(), false, 'unset: unbounded');
    brokerConfigs.get('')!.set('leader.replication.throttled.rate', '4000');
    assert.equal(leader.isQuotaExceeded(), true, 'the cluster default applies');
    brokerConfigs.get('2')!.set('leader.replication.throttled.rate', '6000');
    assert.equal(leader.isQuotaExceeded(), false, 'this broker\'s value wins over the default');
    assert.equal(follower.isQuotaExceeded(), false, 'the follower bound is its own key');
    brokerConfigs.get('2')!.set('follower.replication.throttled.rate', '0');
    assert.equal(follower.isQuotaExceeded(), true);
  });
});
