import assert from 'node:assert/strict';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { METADATA_VERSION_LEVEL, SUPPORTED_FEATURES } from '../metadata/features.js';
import { ClusterHarness, incarnation } from '../testing/cluster-harness.js';
import { bootstrapFeaturesCommand } from './feature-control.js';
import { UpgradeType, updateFeaturesCommand, type FeatureUpdate } from './feature-update.js';

const MV = 'metadata.version';
const mv = (level: number, upgradeType = UpgradeType.Upgrade): FeatureUpdate => ({ feature: MV, maxVersionLevel: level, upgradeType });

describe('controller/feature-update (UpdateFeatures on the controller)', () => {
  async function cluster(brokerRanges: readonly (readonly [number, number] | null)[]): Promise<ClusterHarness> {
    const h = new ClusterHarness();
    await h.run(bootstrapFeaturesCommand());
    for (const [i, range] of brokerRanges.entries()) {
      const features = range === null ? [] : [{ name: MV, minSupportedVersion: range[0], maxSupportedVersion: range[1] }];
      // Written as the record itself: the controller would refuse to register a broker that cannot run the finalized level.
      h.apply([{ type: 'registerBroker', version: 3, data: { brokerId: i + 1, isMigratingZkBroker: false, incarnationId: incarnation(i + 1), brokerEpoch: BigInt(i + 10), endPoints: [], features, rack: null, fenced: false, inControlledShutdown: false, logDirs: [] } }]);
    }
    return h;
  }
  const update = (h: ClusterHarness, updates: readonly FeatureUpdate[], validateOnly = false) => h.run(updateFeaturesCommand(updates, validateOnly, 1));

  it('metadata.version at the supported level: succeeds and records it; validate_only records nothing', async () => {
    const h = await cluster([[METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL], [METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL]]);
    const before = h.written.length;
    assert.deepEqual(await update(h, [mv(METADATA_VERSION_LEVEL)], true), { errorCode: ErrorCode.NONE, errorMessage: null });
    assert.equal(h.written.length, before);
    assert.deepEqual(await update(h, [mv(METADATA_VERSION_LEVEL)]), { errorCode: ErrorCode.NONE, errorMessage: null });
    assert.deepEqual(h.written.slice(before), [{ type: 'featureLevel', version: 0, data: { name: MV, featureLevel: METADATA_VERSION_LEVEL } }]);
    assert.equal(h.image.finalizedFeatures.get(MV), METADATA_VERSION_LEVEL);
  });

  it('any other level is refused naming the controller range, downgrades included; nothing is written', async () => {
    // feature-update.ts has no metadata.version downgrade rules because one level is supported: widening the range must add them.
    assert.deepEqual(SUPPORTED_FEATURES.get(MV), [METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL]);
    const h = await cluster([[METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL]]);
    const before = h.written.length;
    for (const [level, type] of [[METADATA_VERSION_LEVEL + 1, UpgradeType.Upgrade], [21, UpgradeType.SafeDowngrade], [21, UpgradeType.UnsafeDowngrade], [21, UpgradeType.Upgrade]] as const) {
      const r = await update(h, [mv(level, type)]);
      assert.equal(r.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
      assert.equal(r.errorMessage, `The update failed for all features since the following feature had an error: Invalid update version ${level} for feature metadata.version. Local controller 1 only supports versions ${METADATA_VERSION_LEVEL}`);
    }
    assert.match((await update(h, [mv(-1)])).errorMessage ?? '', /A feature version cannot be less than 0\.$/);
    assert.match((await update(h, [mv(METADATA_VERSION_LEVEL, UpgradeType.Unknown)])).errorMessage ?? '', /The controller does not support the given upgrade type\.$/);
    assert.equal(h.written.length, before);
  });

  it('a registered broker that does not support the level refuses it (Broker N only supports / does not support this feature)', async () => {
    const narrow = await cluster([[METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL], [20, 24]]);
    assert.match((await update(narrow, [mv(METADATA_VERSION_LEVEL)])).errorMessage ?? '', /Invalid update version 25 for feature metadata.version\. Broker 2 only supports versions 20-24$/);
    const none = await cluster([null]);
    assert.match((await update(none, [mv(METADATA_VERSION_LEVEL)])).errorMessage ?? '', /Broker 1 does not support this feature\.$/);
  });

  it('other features: a level above 0 is unsupported here; level 0 of a Kafka feature is a valid no-op; an unknown feature is refused; one refusal fails the whole request', async () => {
    const h = await cluster([[METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL]]);
    assert.match((await update(h, [{ feature: 'transaction.version', maxVersionLevel: 2, upgradeType: UpgradeType.Upgrade }])).errorMessage ?? '', /Invalid update version 2 for feature transaction.version\. Local controller 1 does not support this feature\.$/);
    assert.equal((await update(h, [{ feature: 'group.version', maxVersionLevel: 0, upgradeType: UpgradeType.SafeDowngrade }])).errorCode, ErrorCode.NONE);
    assert.equal(h.image.finalizedFeatures.has('group.version'), false);
    assert.match((await update(h, [{ feature: 'no.such.feature', maxVersionLevel: 0, upgradeType: UpgradeType.Upgrade }])).errorMessage ?? '', /Feature no\.such\.feature not found\.$/);
    const before = h.written.length;
    const mixed = await update(h, [mv(METADATA_VERSION_LEVEL), { feature: 'transaction.version', maxVersionLevel: 1, upgradeType: UpgradeType.Upgrade }]);
    assert.equal(mixed.errorCode, ErrorCode.INVALID_UPDATE_VERSION);
    assert.equal(h.written.length, before, 'the valid metadata.version update is not applied either');
  });
});
