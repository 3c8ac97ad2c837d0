/**
 * UpdateFeatures (KIP-584) on the active controller, as Kafka's FeatureControlManager.updateFeatures:
 * every requested level is checked against what this controller's software supports and what each
 * registered broker's registration says it supports, then against the upgrade type (a lower level
 * needs a downgrade type, a higher one the upgrade type); metadata.version has one supported level
 * (metadata/features.ts), so only an update to it passes and no downgrade exists to refuse. All
 * updates are validated before any is applied, and the first refusal fails the whole request
 * (INVALID_UPDATE_VERSION naming the feature, the level and why); validate_only writes nothing.
 *
 * Invariant: a FeatureLevelRecord is written only for a level every registered broker and this
 * controller support, so the image's finalized levels stay within the cluster's supported ranges.
 */
import { SUPPORTED_FEATURES, METADATA_VERSION_FEATURE } from '../metadata/features.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import type { ControllerResult } from './controller.js';

/** Kafka's FeatureUpdate.UpgradeType codes (UpdateFeatures v1+ upgrade_type). */
export const enum UpgradeType {
  Unknown = 0,
  Upgrade = 1,
  SafeDowngrade = 2,
  UnsafeDowngrade = 3,
}

export interface FeatureUpdate {
  readonly feature: string;
  readonly maxVersionLevel: number;
  readonly upgradeType: number;
}

export interface FeatureUpdateOutcome {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

/** The features Kafka defines besides metadata.version (Kafka's Features): a level 0 for one of them is a valid no-op here. */
const KAFKA_FEATURES: ReadonlySet<string> = new Set(['kraft.version', 'transaction.version', 'group.version', 'eligible.leader.replicas.version', 'share.version', 'streams.version']);

/** A range a feature is not in: Kafka's QuorumFeatures.DISABLED. */
const DISABLED: readonly [number, number] = [0, 0];

export function updateFeaturesCommand(updates: readonly FeatureUpdate[], validateOnly: boolean, controllerId: number) {
  return (image: MetadataImage): ControllerResult<FeatureUpdateOutcome> => {
    const records: MetadataRecord[] = [];
    for (const u of updates) {
      const refusal = checkUpdate(image, u, controllerId);
      if (refusal !== null) {
        const message = `Invalid update version ${u.maxVersionLevel} for feature ${u.feature}. ${refusal}`;
        return { records: [], response: { errorCode: ErrorCode.INVALID_UPDATE_VERSION, errorMessage: `The update failed for all features since the following feature had an error: ${message}` } };
      }
      records.push({ type: 'featureLevel', version: 0, data: { name: u.feature, featureLevel: u.maxVersionLevel } });
    }
    return { records: validateOnly ? [] : records, response: { errorCode: ErrorCode.NONE, errorMessage: null } };
  };
}

/** Why one update is refused (Kafka's order of checks), or null. */
function checkUpdate(image: MetadataImage, u: FeatureUpdate, controllerId: number): string | null {
  if (u.upgradeType < UpgradeType.Upgrade || u.upgradeType > UpgradeType.UnsafeDowngrade) return 'The controller does not support the given upgrade type.';
  if (u.maxVersionLevel < 0) return 'A feature version cannot be less than 0.';
  const unsupported = reasonNotSupported(image, u.feature, u.maxVersionLevel, controllerId);
  if (unsupported !== null) return unsupported;
  const current = image.finalizedFeatures.get(u.feature) ?? 0;
  if (u.maxVersionLevel < current && u.upgradeType === UpgradeType.Upgrade) {
    return "Can't downgrade the version of this feature without setting the upgrade type to either safe or unsafe downgrade.";
  }
  if (u.maxVersionLevel > current && u.upgradeType !== UpgradeType.Upgrade) return "Can't downgrade to a newer version.";
  // metadata.version passed the supported-range check, which admits one level only: no downgrade
  // can reach here. Supporting a second level must bring Kafka's updateMetadataVersion rules
  // (a downgrade that changes metadata is refused: "Unsupported metadata.version downgrade ...").
  if (u.feature === METADATA_VERSION_FEATURE) return null;
  if (!KAFKA_FEATURES.has(u.feature)) return `Feature ${u.feature} not found.`;
  return null;
}

/** Kafka's FeatureControlManager.reasonNotSupported: this controller first, then each registered broker. */
function reasonNotSupported(image: MetadataImage, feature: string, level: number, controllerId: number): string | null {
  const local = outside(level, `Local controller ${controllerId}`, SUPPORTED_FEATURES.get(feature) ?? DISABLED);
  if (local !== null) return local;
  for (const id of [...image.brokers.keys()].sort((a, b) => a - b)) {
    const range = image.brokers.get(id)?.supportedFeatures.get(feature) ?? DISABLED;
    const reason = outside(level, `Broker ${id}`, range);
    if (reason !== null) return reason;
  }
  return null;
}

/** Kafka's QuorumFeatures.reasonNotSupported, with VersionRange's "25" / "3-25" wording. */
function outside(level: number, who: string, [min, max]: readonly [number, number]): string | null {
  if (level >= min && level <= max) return null;
  if (max === 0) return `${who} does not support this feature.`;
  return `${who} only supports versions ${min === max ? String(min) : `${min}-${max}`}`;
}
