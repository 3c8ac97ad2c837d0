/**
 * ReplicaManager follows reassignments in the image: a change adding this node's replica hosts it
 * (a log, the follower role), one moving it away unhosts it and hands back the log deletion; a
 * leader counts an adding replica as a follower (its replicas are the image's, adding included).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { realFileSystem as fs } from '../io/real-file-system.js';
import { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { DEFAULT_LOG_CONFIG } from '../storage/log-config.js';
import { LogManager } from '../storage/log-manager.js';
import { TempDirs } from '../storage/test-dirs.js';
import { ManualClock } from '../testing/manual-clock.js';
import { ReplicaManager, type RoleChange } from './replica-manager.js';

const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

describe('partition/ReplicaManager (reassignments)', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  async function node(nodeId: number): Promise<{ rm: ReplicaManager; image: MetadataImage; apply: (r: MetadataRecord) => Promise<RoleChange | null>; logDir: string }> {
    const logDir = await temp.make();
    const logs = await LogManager.open(fs, [logDir]);
    const rm = new ReplicaManager(fs, logs, {
      nodeId,
      fsyncOnAcksAll: false,
      logConfigFor: () => DEFAULT_LOG_CONFIG,
      maxMessageBytesFor: () => 1 << 20,
      replication: { localId: nodeId, clock: new ManualClock(), replicaLagTimeMaxMs: 30000, alterIsr: (r) => Promise.resolve(r.isr) },
    });
    const image = new MetadataImage();
    let offset = 0;
    const apply = (r: MetadataRecord): Promise<RoleChange | null> => rm.applyChange(image.replay(r, offset++));
    await apply({ type: 'topic', version: 0, data: { name: 't', topicId: TOPIC_ID } });
    await apply({ type: 'partition', version: 0, data: { partitionId: 0, topicId: TOPIC_ID, replicas: [1, 2], isr: [1, 2], removingReplicas: [], addingReplicas: [], leader: 1, leaderRecoveryState: 0, leaderEpoch: 0, partitionEpoch: 0 } });
    return { rm, image, apply, logDir };
  }
  const change = (data: { replicas?: number[]; addingReplicas?: number[]; removingReplicas?: number[]; isr?: number[]; leader?: number }): MetadataRecord => ({
    type: 'partitionChange', version: 0, data: { partitionId: 0, topicId: TOPIC_ID, leader: -2, isr: null, leaderRecoveryState: -1, ...data },
  });
  const start = change({ replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] });
  const complete = change({ replicas: [2, 3], addingReplicas: [], removingReplicas: [], isr: [2, 3], leader: 2 });

  it('a node added by a reassignment hosts the replica (a log, following the leader); the leader counts it as a follower', async () => {
    const n3 = await node(3);
    assert.equal(n3.rm.get('t', 0), undefined, 'not a replica yet');
    const role = await n3.apply(start);
    assert.equal(role?.kind, 'follower');
    assert.equal(role?.kind === 'follower' ? role.leaderId : -1, 1);
    assert.equal(n3.rm.get('t', 0)?.isLeader, false);
    assert.ok(await fs.exists(path.join(n3.logDir, 't-0')));

    const n1 = await node(1);
    const lead = await n1.apply(start);
    assert.equal(lead?.kind, 'leader');
    assert.notEqual(n1.rm.get('t', 0)?.leadership?.follower(3), undefined, 'replica 3 is tracked as a follower');
    assert.notEqual(n1.rm.get('t', 0)?.leadership?.follower(2), undefined);
  });

  it('a node the reassignment moves away stops hosting the replica; deleteLog removes its log', async () => {
    const n1 = await node(1);
    await n1.apply(start);
    const role = await n1.apply(complete);
    assert.equal(role?.kind, 'removed');
    assert.equal(n1.rm.get('t', 0), undefined);
    assert.equal(role?.partition.isLeader, false, 'no longer leads');
    if (role?.kind === 'removed') await role.deleteLog();
    assert.equal(await fs.exists(path.join(n1.logDir, 't-0')), false);
    assert.equal(await n1.apply(change({ isr: [2] })), null, 'later changes pass it by');
  });
});
