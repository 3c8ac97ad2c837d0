/**
 * Feature flags (KIP-584), as `kafka-features describe` shows them: the admin client's
 * describeFeatures reads the supported and finalized features from an ApiVersions v3+ response
 * (its tagged fields SupportedFeatures, FinalizedFeaturesEpoch, FinalizedFeatures). There is no
 * DescribeFeatures request. metadata.version must be finalized at a level the broker supports.
 *
 * `kafka-features upgrade --dry-run` sends UpdateFeatures with validate_only (nothing changes on
 * any endpoint): the finalized metadata.version itself validates, and a level no broker supports
 * is refused with INVALID_UPDATE_VERSION's "Invalid update version <level> for feature
 * metadata.version" (both Kafka's message).
 */
import assert from 'node:assert/strict';
import { ApiKey } from '../../protocol/generated/api-keys.js';
import { defineCapability } from '../capability.js';
import { linesOf, toolFails, toolOk } from '../kafka-cli-steps.js';

/** A metadata.version level far above any Kafka release's (a short). */
const UNSUPPORTED_LEVEL = 999;

interface FeatureLine {
  readonly name: string;
  readonly min: string;
  readonly max: string;
  readonly finalized: string;
  readonly epoch: number;
}

/** "Feature: metadata.version  SupportedMinVersion: 3.3-IV3  SupportedMaxVersion: 4.3-IV0  FinalizedVersionLevel: 4.3-IV0  Epoch: 12". */
function parseFeature(line: string): FeatureLine {
  const m = /^Feature: (\S+)\s+SupportedMinVersion: (\S+)\s+SupportedMaxVersion: (\S+)\s+FinalizedVersionLevel: (\S+)\s+Epoch: (-?\d+)\s*$/.exec(line);
  assert.ok(m !== null, `not a kafka-features describe line: ${JSON.stringify(line)}`);
  return { name: m[1] ?? '', min: m[2] ?? '', max: m[3] ?? '', finalized: m[4] ?? '', epoch: Number(m[5]) };
}

/** A metadata.version ("4.3-IV0") as a comparable [major, minor, iv]. */
function metadataVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)-IV(\d+)$/.exec(v);
  assert.ok(m !== null, `not a metadata.version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export default defineCapability({
  id: 'features',
  title: 'feature flags: metadata.version finalized (ApiVersions v3+ features)',
  order: 12,
  requires: [{ api: ApiKey.ApiVersions, minVersion: 3 }, { api: ApiKey.UpdateFeatures, minVersion: 1 }],
  cells: {
    kcat: { notApplicable: 'kcat has no admin API' },

    async 'kafka-cli'(env, cli) {
      const r = await toolOk(env, cli, 'kafka-features', ['--bootstrap-server', env.bootstrap, 'describe'], { timeoutMs: 30_000 });
      const features = linesOf(r).map(parseFeature);
      const mv = features.find((f) => f.name === 'metadata.version');
      assert.ok(mv !== undefined, `kafka-features describe lists no metadata.version:\n${r.stdout}`);
      const [min, max, finalized] = [metadataVersion(mv.min), metadataVersion(mv.max), metadataVersion(mv.finalized)];
      assert.ok(compare(min, finalized) <= 0 && compare(finalized, max) <= 0, `metadata.version finalized at ${mv.finalized}, outside the supported ${mv.min}..${mv.max}`);
      // KRaft's metadata.version starts at 3.3-IV3 (the first level a KRaft cluster can run).
      assert.ok(compare(finalized, [3, 3, 3]) >= 0, `metadata.version ${mv.finalized} predates KRaft's 3.3-IV3`);
      assert.ok(mv.epoch >= 0, `finalized features epoch ${mv.epoch}`);
      for (const f of features) {
        assert.equal(f.epoch, mv.epoch, `${f.name}: one finalized-features epoch for all`);
        if (f.name === 'metadata.version') continue;
        // The other features' levels are numbers; a finalized level lies in the supported range.
        const [lo, hi, at] = [Number(f.min), Number(f.max), Number(f.finalized)];
        assert.ok(Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(at) && lo <= at && at <= hi, `${f.name}: finalized ${f.finalized} within ${f.min}..${f.max}`);
      }
      const same = await toolOk(env, cli, 'kafka-features', ['--bootstrap-server', env.bootstrap, 'upgrade', '--metadata', mv.finalized, '--dry-run'], { timeoutMs: 30_000 });
      assert.match(same.stdout, /metadata\.version can be upgraded to/, `upgrade --metadata ${mv.finalized} --dry-run:\n${same.stdout}`);
      const refused = await toolFails(env, cli, 'kafka-features', ['--bootstrap-server', env.bootstrap, 'upgrade', '--feature', `metadata.version=${UNSUPPORTED_LEVEL}`, '--dry-run'], { timeoutMs: 30_000 });
      assert.match(refused, new RegExp(`Invalid update version ${UNSUPPORTED_LEVEL} for feature metadata\\.version`), refused);
    },
  },
});
