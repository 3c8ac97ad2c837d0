/**
 * Finalized feature levels (FeatureLevelRecord): a metadata log without them gets the bootstrap
 * levels, once, as Kafka's controller writes its bootstrap metadata into a new log. Logs written
 * before features were recorded get them on their next start.
 */
import { BOOTSTRAP_FEATURE_LEVELS } from '../metadata/features.js';
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { MetadataRecord } from '../metadata/metadata-record.js';
import type { ControllerResult } from './controller.js';

export function bootstrapFeaturesCommand() {
  return (image: MetadataImage): ControllerResult<void> => {
    const records: MetadataRecord[] = [];
    for (const [name, featureLevel] of BOOTSTRAP_FEATURE_LEVELS) {
      if (!image.finalizedFeatures.has(name)) records.push({ type: 'featureLevel', version: 0, data: { name, featureLevel } });
    }
    return { records, response: undefined };
  };
}
