/**
 * Test fixture: an embedded node on a private log dir with one raw client connected and a topic
 * created through Metadata auto-creation. Call inside a `describe`; it registers the hooks. The
 * log dir is the test's (restarts reuse it) and is removed afterwards.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type RunningNode } from '../index.js';
import { encodeMetadataRequest } from '../protocol/generated/messages/metadata-request.js';
import { RawClient } from './raw-client.js';

export interface EmbeddedRawNode {
  readonly dir: string;
  node: RunningNode;
  client: RawClient;
  /** Stops the node, runs `between` (to damage or trim files), starts it again on the same log dir. */
  restart(between?: () => void): Promise<void>;
}

export function useEmbeddedRawNode(topic: string): EmbeddedRawNode {
  const fx = { dir: mkdtempSync(join(tmpdir(), 'tributary-raw-')) } as EmbeddedRawNode;
  const start = async (): Promise<void> => {
    fx.node = await startNode({ config: { 'log.dirs': fx.dir } });
    fx.client = await RawClient.connect(fx.node.bootstrap);
  };
  fx.restart = async (between) => {
    fx.client.close();
    await fx.node.stop();
    between?.();
    await start();
  };
  before(async () => {
    await start();
    fx.client.send(3, 4, 0, false, (w) => encodeMetadataRequest(w, 4, { topics: [{ name: topic }], allowAutoTopicCreation: true }));
    assert.ok(await fx.client.receive());
  });
  after(async () => {
    fx.client.close();
    await fx.node.stop();
    rmSync(fx.dir, { recursive: true, force: true });
  });
  return fx;
}

/** Removes a partition's producer-state snapshots, so a restart rebuilds the state from the log alone. */
export function dropSnapshotFiles(partitionDir: string): void {
  for (const f of readdirSync(partitionDir)) if (f.endsWith('.snapshot')) rmSync(join(partitionDir, f));
}
