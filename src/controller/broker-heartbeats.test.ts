import assert from 'node:assert/strict';
import { BrokerHeartbeats } from './broker-heartbeats.js';

describe('controller/BrokerHeartbeats', () => {
  it('a session is valid until the timeout passes without contact; expired lists oldest first, fenced brokers never', () => {
    const hb = new BrokerHeartbeats(1000);
    hb.register(1, false, true, 0);
    hb.register(2, false, true, 100);
    hb.register(3, true, true, 0);
    assert.equal(hb.hasValidSession(1, 1000), true);
    assert.equal(hb.hasValidSession(1, 1001), false);
    assert.equal(hb.hasValidSession(3, 0), false, 'a fenced broker has no session');
    assert.deepEqual(hb.expired(1000), []);
    assert.deepEqual(hb.expired(2000), [1, 2]);
    hb.touch(1, false, 5, 1500);
    assert.deepEqual(hb.expired(2000), [2]);
    hb.fence(2);
    assert.deepEqual(hb.expired(5000), [1]);
  });

  it('next states follow Kafka: fenced → unfenced once caught up; wantShutDown with leaderships → controlled shutdown', () => {
    const hb = new BrokerHeartbeats(1000);
    hb.register(1, true, true, 0);
    const req = { wantFence: false, wantShutDown: false, currentMetadataOffset: 4 };
    assert.equal(hb.nextState(1, req, 5, () => false).next, 'fenced');
    assert.equal(hb.nextState(1, { ...req, currentMetadataOffset: 5 }, 5, () => false).next, 'unfenced');
    assert.equal(hb.nextState(1, { ...req, wantShutDown: true }, 5, () => false).next, 'shutdownNow');
    hb.touch(1, false, 5, 10);
    assert.equal(hb.nextState(1, { ...req, wantFence: true }, 5, () => false).next, 'fenced');
    assert.equal(hb.nextState(1, { ...req, wantShutDown: true }, 5, () => true).next, 'controlledShutdown');
    assert.equal(hb.nextState(1, { ...req, wantShutDown: true }, 5, () => false).next, 'shutdownNow');
  });

  it('controlled shutdown ends when every active broker reached its offset', () => {
    const hb = new BrokerHeartbeats(1000);
    hb.register(1, false, true, 0);
    hb.register(2, false, true, 0);
    hb.touch(2, false, 7, 0);
    hb.enterControlledShutdown(1);
    const req = { wantFence: false, wantShutDown: true, currentMetadataOffset: 9 };
    assert.equal(hb.nextState(1, req, 0, () => false).current, 'controlledShutdown');
    assert.equal(hb.nextState(1, req, 0, () => false).next, 'controlledShutdown', 'offset not yet known');
    hb.setControlledShutdownOffset(1, 8);
    assert.equal(hb.nextState(1, req, 0, () => false).next, 'controlledShutdown', 'broker 2 is at 7');
    assert.equal(hb.nextState(1, req, 0, () => true).next, 'controlledShutdown', 'still leading');
    hb.touch(2, false, 8, 1);
    assert.equal(hb.nextState(1, req, 0, () => false).next, 'shutdownNow');
  });
});
