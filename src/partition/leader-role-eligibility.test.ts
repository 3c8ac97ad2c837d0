import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { PartitionLog } from '../storage/partition-log.js';
import { makeBatch } from '../storage/test-batches.js';
import { TempDirs } from '../storage/test-dirs.js';
import { ManualClock } from '../testing/manual-clock.js';
import { Partition } from './partition.js';

describe('partition/leader-role: the HW and a fenced follower (Kafka isReplicaEligible)', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  for (const fenced of [true, false]) {
    it(fenced
      ? 'a caught-up follower removed from the ISR and fenced (killed) no longer holds the HW back: acks=all completes with the rest of the ISR'
      : 'a caught-up follower removed from the ISR but still eligible holds the HW back until replica.lag.time.max.ms', async () => {
      const logDir = await temp.make();
      const p = new Partition('t', 0, 'AAECAwQFBgcICQoLDA0ODw', await PartitionLog.open(fs, path.join(logDir, 't-0'), DEFAULT_LOG_CONFIG), 0, false, 1 << 20, undefined, fs);
      const clock = new ManualClock();
      const fencedBrokers = new Set<number>();
      p.configureReplication({
        localId: 1, clock, replicaLagTimeMaxMs: 30_000, alterIsr: (r) => Promise.resolve(r.isr),
        isReplicaEligible: (id) => !fencedBrokers.has(id),
      });
      p.minInsyncReplicas = 2;
      await p.becomeLeader({ leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 2, 3] });
      const leader = p.leadership;
      assert.ok(leader !== null);
      // Both followers caught up at offset 0.
      leader.onFollowerFetch(2, 0, 0, 0);
      leader.onFollowerFetch(3, 0, 0, 0);
      // Broker 2 dies: the controller fences it and takes it out of the ISR (same leader epoch).
      if (fenced) fencedBrokers.add(2);
      await p.becomeLeader({ leaderEpoch: 1, replicas: [1, 2, 3], isr: [1, 3] });
      const outcome = p.appendFromClient(makeBatch({ seed: 1 }), -1, null, 0, undefined, fenced ? 1_000 : Number.POSITIVE_INFINITY);
      // The append is on the leader's log before broker 3 fetches it (bounded: a disk write).
      for (let i = 0; i < 1000 && p.logEndOffset < 1; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(p.logEndOffset, 1, 'the append reached the log');
      leader.onFollowerFetch(3, 1, 0, 1); // broker 3 has the record
      if (fenced) {
        const r = await outcome;
        assert.equal(r.kind, 'appended');
        assert.equal(p.highWatermark, 1);
      } else {
        assert.equal(p.highWatermark, 0, 'broker 2 is caught up (within replica.lag.time.max.ms) and eligible: the HW waits for it');
        await clock.advance(30_001);
        leader.onFollowerFetch(3, 1, 0, 1);
        assert.equal(p.highWatermark, 1, 'past replica.lag.time.max.ms broker 2 is no longer caught up');
        assert.equal((await outcome).kind, 'appended');
      }
      await p.close();
    });
  }
});
