/**
 * Where the metadata log lives: `__cluster_metadata-0` in the first log dir (Kafka's
 * metadata.log.dir default), a segment log of KRaft metadata records driven by the Raft quorum
 * (raft-metadata-log.ts), outside the LogManager's topic logs.
 */
export const METADATA_TOPIC = '__cluster_metadata';
