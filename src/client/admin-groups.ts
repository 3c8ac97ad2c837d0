/**
 * Consumer group administration, as kafka-consumer-groups.sh does it: ListGroups on every broker,
 * DescribeGroups and OffsetFetch at the group's coordinator, OffsetCommit as an admin (generation -1,
 * no member: accepted only while the group has no active members), DeleteGroups.
 */
import { Reader } from '../protocol/codec/reader.js';
import { decodeConsumerProtocolAssignment } from '../protocol/generated/messages/consumer-protocol-assignment.js';
import { decodeDeleteGroupsResponse } from '../protocol/generated/messages/delete-groups-response.js';
import { deleteGroupsRequestMeta, encodeDeleteGroupsRequest } from '../protocol/generated/messages/delete-groups-request.js';
import { decodeDescribeGroupsResponse } from '../protocol/generated/messages/describe-groups-response.js';
import { describeGroupsRequestMeta, encodeDescribeGroupsRequest } from '../protocol/generated/messages/describe-groups-request.js';
import { decodeListGroupsResponse } from '../protocol/generated/messages/list-groups-response.js';
import { encodeListGroupsRequest, listGroupsRequestMeta } from '../protocol/generated/messages/list-groups-request.js';
import { decodeOffsetCommitResponse } from '../protocol/generated/messages/offset-commit-response.js';
import { encodeOffsetCommitRequest, offsetCommitRequestMeta } from '../protocol/generated/messages/offset-commit-request.js';
import { decodeOffsetFetchResponse } from '../protocol/generated/messages/offset-fetch-response.js';
import { encodeOffsetFetchRequest, offsetFetchRequestMeta } from '../protocol/generated/messages/offset-fetch-request.js';
import { apiCall, type KafkaCluster } from './cluster.js';
import { check } from './kafka-error.js';

export interface GroupListing {
  readonly group: string;
  readonly protocolType: string;
  readonly state: string;
}

/** Every group on every broker, by id. */
export async function listGroups(cluster: KafkaCluster): Promise<GroupListing[]> {
  const out = new Map<string, GroupListing>();
  for (const id of await cluster.brokerIds()) {
    const conn = await cluster.broker(id);
    const resp = await conn.send(apiCall(listGroupsRequestMeta, encodeListGroupsRequest, decodeListGroupsResponse, { statesFilter: [], typesFilter: [] }, { max: 4 }));
    check(`broker ${id}`, resp.errorCode);
    for (const g of resp.groups) out.set(g.groupId, { group: g.groupId, protocolType: g.protocolType, state: g.groupState ?? '' });
  }
  return [...out.values()].sort((a, b) => a.group.localeCompare(b.group));
}

export interface GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly host: string;
  readonly assignment: readonly { readonly topic: string; readonly partition: number }[];
}

export interface GroupDetails {
  readonly group: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly GroupMember[];
}

export async function describeGroup(cluster: KafkaCluster, group: string): Promise<GroupDetails> {
  const conn = await cluster.coordinator(group);
  const resp = await conn.send(apiCall(describeGroupsRequestMeta, encodeDescribeGroupsRequest, decodeDescribeGroupsResponse, { groups: [group], includeAuthorizedOperations: false }));
  const g = resp.groups.find((x) => x.groupId === group);
  check(`group ${group}`, g === undefined ? -1 : g.errorCode);
  return {
    group,
    state: g?.groupState ?? '',
    protocolType: g?.protocolType ?? '',
    protocol: g?.protocolData ?? '',
    members: (g?.members ?? []).map((m) => ({
      memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId, host: m.clientHost,
      assignment: g?.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
    })),
  };
}

function decodeAssignment(bytes: Buffer): { topic: string; partition: number }[] {
  if (bytes.length < 2) return [];
  try {
    const r = new Reader(bytes);
    const version = r.readInt16();
    const a = decodeConsumerProtocolAssignment(r, Math.min(version, 3));
    return a.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
  } catch {
    return [];
  }
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly metadata: string | null;
}

/** The group's committed offsets (every topic), sorted by topic and partition. */
export async function committedOffsets(cluster: KafkaCluster, group: string): Promise<CommittedOffset[]> {
  const conn = await cluster.coordinator(group);
  const resp = await conn.send(apiCall(offsetFetchRequestMeta, encodeOffsetFetchRequest, decodeOffsetFetchResponse,
    { groupId: group, topics: null, requireStable: true }, { min: 2, max: 7 }));
  check(`group ${group}`, resp.errorCode ?? 0);
  const out: CommittedOffset[] = [];
  for (const t of resp.topics ?? []) {
    for (const p of t.partitions ?? []) {
      check(`group ${group} topic ${t.name} partition ${p.partitionIndex}`, p.errorCode ?? 0);
      const offset = Number(p.committedOffset ?? -1n);
      if (offset >= 0) out.push({ topic: t.name ?? '', partition: p.partitionIndex ?? -1, offset, metadata: p.metadata ?? null });
    }
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Commits offsets as an admin (no generation, no member): the group must have no active members. */
export async function commitOffsets(cluster: KafkaCluster, group: string, offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
  const byTopic = new Map<string, { partition: number; offset: number }[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
  const conn = await cluster.coordinator(group);
  const resp = await conn.send(apiCall(offsetCommitRequestMeta, encodeOffsetCommitRequest, decodeOffsetCommitResponse, {
    groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, ps]) => ({
      name, partitions: ps.map((p) => ({ partitionIndex: p.partition, committedOffset: BigInt(p.offset), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: '' })),
    })),
  }, { min: 2, max: 8 }));
  for (const t of resp.topics) for (const p of t.partitions) check(`group ${group} topic ${t.name} partition ${p.partitionIndex}`, p.errorCode);
}

export async function deleteGroup(cluster: KafkaCluster, group: string): Promise<void> {
  const conn = await cluster.coordinator(group);
  const resp = await conn.send(apiCall(deleteGroupsRequestMeta, encodeDeleteGroupsRequest, decodeDeleteGroupsResponse, { groupsNames: [group] }));
  const r = resp.results.find((x) => x.groupId === group);
  check(`group ${group}`, r === undefined ? -1 : r.errorCode);
}
