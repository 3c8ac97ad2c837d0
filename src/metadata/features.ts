/**
 * Cluster features (KIP-584) this broker supports and the levels it finalizes at bootstrap.
 * Clients read them from ApiVersions (`kafka-features describe`, the admin client's
 * describeFeatures) and some change behaviour by them, so only what is really implemented is
 * listed: no transaction.version (KIP-890's TV2 protocol is not served), no group.version (KIP-848),
 * no kraft.version (a static single-voter quorum), each of which a client then treats as level 0.
 */
export const METADATA_VERSION_FEATURE = 'metadata.version';

/** Kafka's MetadataVersion 4.0-IV3: the metadata records Tributary writes are those of Kafka 4.0. */
export const METADATA_VERSION_LEVEL = 25;

/** name → [min, max] level this software supports. */
export const SUPPORTED_FEATURES: ReadonlyMap<string, readonly [number, number]> = new Map([
  [METADATA_VERSION_FEATURE, [METADATA_VERSION_LEVEL, METADATA_VERSION_LEVEL]],
]);

/** The levels a new cluster's metadata log starts with (Kafka's bootstrap metadata). */
export const BOOTSTRAP_FEATURE_LEVELS: ReadonlyMap<string, number> = new Map([[METADATA_VERSION_FEATURE, METADATA_VERSION_LEVEL]]);
