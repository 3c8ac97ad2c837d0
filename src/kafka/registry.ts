/**
 * The one table of Kafka APIs this broker serves. Adding an API: its schema in protocol/messages,
 * `npm run generate`, a handler in apis/<api>.ts, and one line here. ApiVersions is derived from
 * this table.
 */
import { ApiKey } from '../protocol/generated/api-keys.js';
import type { AnyApiDefinition } from './api.js';
import { apiVersionsApi } from './apis/api-versions.js';
import { metadataApi } from './apis/metadata.js';
import { produceApi } from './apis/produce.js';
import { fetchApi } from './apis/fetch.js';
import { listOffsetsApi } from './apis/list-offsets.js';
import { createTopicsApi } from './apis/create-topics.js';
import { deleteTopicsApi } from './apis/delete-topics.js';
import { createPartitionsApi } from './apis/create-partitions.js';
import { updateFeaturesApi } from './apis/update-features.js';
import { describeConfigsApi } from './apis/describe-configs.js';
import { describeClusterApi } from './apis/describe-cluster.js';
import { describeQuorumApi } from './apis/describe-quorum.js';
import { electLeadersApi } from './apis/elect-leaders.js';
import { alterPartitionReassignmentsApi } from './apis/alter-partition-reassignments.js';
import { listPartitionReassignmentsApi } from './apis/list-partition-reassignments.js';
import { findCoordinatorApi } from './apis/find-coordinator.js';
import { joinGroupApi } from './apis/join-group.js';
import { syncGroupApi } from './apis/sync-group.js';
import { heartbeatApi } from './apis/heartbeat.js';
import { leaveGroupApi } from './apis/leave-group.js';
import { offsetCommitApi } from './apis/offset-commit.js';
import { offsetFetchApi } from './apis/offset-fetch.js';
import { offsetDeleteApi } from './apis/offset-delete.js';
import { describeGroupsApi } from './apis/describe-groups.js';
import { listGroupsApi } from './apis/list-groups.js';
import { deleteGroupsApi } from './apis/delete-groups.js';
import { alterConfigsApi } from './apis/alter-configs.js';
import { incrementalAlterConfigsApi } from './apis/incremental-alter-configs.js';
import { deleteRecordsApi } from './apis/delete-records.js';
import { initProducerIdApi } from './apis/init-producer-id.js';
import { offsetForLeaderEpochApi } from './apis/offset-for-leader-epoch.js';
import { addPartitionsToTxnApi } from './apis/add-partitions-to-txn.js';
import { addOffsetsToTxnApi } from './apis/add-offsets-to-txn.js';
import { endTxnApi } from './apis/end-txn.js';
import { writeTxnMarkersApi } from './apis/write-txn-markers.js';
import { txnOffsetCommitApi } from './apis/txn-offset-commit.js';
import { describeTransactionsApi } from './apis/describe-transactions.js';
import { listTransactionsApi } from './apis/list-transactions.js';
import { describeProducersApi } from './apis/describe-producers.js';
import { describeLogDirsApi } from './apis/describe-log-dirs.js';
import { alterReplicaLogDirsApi } from './apis/alter-replica-log-dirs.js';
import { describeTopicPartitionsApi } from './apis/describe-topic-partitions.js';
import { voteApi } from './apis/vote.js';
import { beginQuorumEpochApi } from './apis/begin-quorum-epoch.js';
import { endQuorumEpochApi } from './apis/end-quorum-epoch.js';
import { fetchSnapshotApi } from './apis/fetch-snapshot.js';
import { allocateProducerIdsApi } from './apis/allocate-producer-ids.js';
import { brokerRegistrationApi } from './apis/broker-registration.js';
import { brokerHeartbeatApi } from './apis/broker-heartbeat.js';
import { alterPartitionApi } from './apis/alter-partition.js';
import { addRaftVoterApi } from './apis/add-raft-voter.js';
import { removeRaftVoterApi } from './apis/remove-raft-voter.js';

export const API_VERSIONS_KEY = ApiKey.ApiVersions;

export class ApiRegistry {
  private readonly byKey = new Map<number, AnyApiDefinition>();

  constructor(apis: readonly AnyApiDefinition[]) {
    for (const api of apis) {
      if (this.byKey.has(api.meta.apiKey)) throw new Error(`API key ${api.meta.apiKey} registered twice`);
      this.byKey.set(api.meta.apiKey, api);
    }
  }

  get(apiKey: number): AnyApiDefinition | undefined {
    return this.byKey.get(apiKey);
  }

  all(): AnyApiDefinition[] {
    return [...this.byKey.values()];
  }
}

export function createRegistry(): ApiRegistry {
  const apis: AnyApiDefinition[] = [
    metadataApi,
    produceApi,
    fetchApi,
    listOffsetsApi,
    createTopicsApi,
    deleteTopicsApi,
    createPartitionsApi,
    updateFeaturesApi,
    describeConfigsApi,
    describeClusterApi,
    describeQuorumApi,
    findCoordinatorApi,
    joinGroupApi,
    syncGroupApi,
    heartbeatApi,
    leaveGroupApi,
    offsetCommitApi,
    offsetFetchApi,
    offsetDeleteApi,
    describeGroupsApi,
    listGroupsApi,
    deleteGroupsApi,
    alterConfigsApi,
    incrementalAlterConfigsApi,
    deleteRecordsApi,
    initProducerIdApi,
    offsetForLeaderEpochApi,
    addPartitionsToTxnApi,
    addOffsetsToTxnApi,
    endTxnApi,
    writeTxnMarkersApi,
    txnOffsetCommitApi,
    describeTransactionsApi,
    listTransactionsApi,
    describeProducersApi,
    describeLogDirsApi,
    alterReplicaLogDirsApi,
    describeTopicPartitionsApi,
    voteApi,
    beginQuorumEpochApi,
    endQuorumEpochApi,
    fetchSnapshotApi,
    allocateProducerIdsApi,
    brokerRegistrationApi,
    brokerHeartbeatApi,
    alterPartitionApi,
    addRaftVoterApi,
    removeRaftVoterApi,
    electLeadersApi,
    alterPartitionReassignmentsApi,
    listPartitionReassignmentsApi,
  ];
  const registry: ApiRegistry = new ApiRegistry([...apis, apiVersionsApi(() => registry.all())]);
  return registry;
}
