/**
 * One writer among the registry instances sharing a `_schemas` topic, elected through Kafka's
 * group protocol as Confluent's instances elect theirs: every instance joins one consumer group
 * (`tributary-schema-registry` by default; Confluent's own instances use a different protocol type,
 * so they cannot share the group) with its REST URL in its member metadata. The member the group
 * coordinator makes group leader is the registry's leader; the others learn its member id from the
 * join and its URL from DescribeGroups, and forward writes there.
 *
 * The group assigns no partitions: membership is all it is for. While a rebalance is in progress
 * the leader is unknown, and writes wait (bounded) for the next join.
 */
import { AssignerProtocol, Kafka, logLevel, type Admin, type Consumer, type PartitionAssigner } from 'kafkajs';
import type { Clock } from '../io/clock.js';
import type { Logger } from '../util/logger.js';

export const ELECTION_GROUP = 'tributary-schema-registry';
const PROTOCOL = 'tributary-sr';

export interface Leader {
  readonly self: boolean;
  /** The leader's REST URL (own URL when self). */
  readonly url: string;
}

export interface LeaderElectionOptions {
  readonly bootstrap: readonly string[];
  readonly topic: string;
  readonly groupId?: string;
  /** This instance's REST URL, as the others will reach it. */
  readonly url: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class LeaderElection {
  private current: Leader | null = null;
  private waiters: ((l: Leader) => void)[] = [];
  private generation = 0;

  private constructor(private readonly opts: LeaderElectionOptions, private readonly consumer: Consumer, private readonly admin: Admin) {}

  static async start(opts: LeaderElectionOptions): Promise<LeaderElection> {
    const kafka = new Kafka({ clientId: 'tributary-schema-registry-election', brokers: [...opts.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8 } });
    const url = Buffer.from(opts.url);
    // Every member's metadata carries its URL; the group leader assigns nothing to anyone.
    const assigner: PartitionAssigner = () => ({
      name: PROTOCOL,
      version: 1,
      assign: async ({ members }) => members.map((m) => ({ memberId: m.memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: {}, userData: Buffer.alloc(0) }) })),
      protocol: ({ topics }) => ({ name: PROTOCOL, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: url }) }),
    });
    const groupId = opts.groupId ?? ELECTION_GROUP;
    const consumer = kafka.consumer({ groupId, partitionAssigners: [assigner], sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    const admin = kafka.admin();
    const election = new LeaderElection(opts, consumer, admin);
    consumer.on(consumer.events.REBALANCING, () => {
      election.generation++;
      election.current = null;
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const generation = ++election.generation;
      void election.learn(groupId, e.payload.isLeader, e.payload.leaderId, generation);
    });
    await admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: opts.topic });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    return election;
  }

  private async learn(groupId: string, isLeader: boolean, leaderId: string, generation: number): Promise<void> {
    let leader: Leader | null = null;
    if (isLeader) {
      leader = { self: true, url: this.opts.url };
    } else {
      try {
        const { groups } = await this.admin.describeGroups([groupId]);
        const member = groups[0]?.members.find((m) => m.memberId === leaderId);
        const url = member === undefined ? null : AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData.toString('utf8') ?? null;
        if (url !== null && url !== '') leader = { self: url === this.opts.url, url };
      } catch (e) {
        this.opts.logger.warn(`schema registry: cannot describe group ${groupId} to find the leader: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (generation !== this.generation || leader === null) return;
    this.current = leader;
    this.opts.logger.info(`schema registry: ${leader.self ? 'this instance is the leader' : `the leader is ${leader.url}`}`);
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w(leader);
  }

  /** The leader, waiting up to timeoutMs for an election in progress; null when none is known by then. */
  leader(timeoutMs: number): Promise<Leader | null> {
    if (this.current !== null) return Promise.resolve(this.current);
    return new Promise((resolve) => {
      const timer = this.opts.clock.setTimer(timeoutMs, () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      });
      const waiter = (l: Leader): void => {
        timer.cancel();
        resolve(l);
      };
      this.waiters.push(waiter);
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.admin.disconnect()]);
  }
}
