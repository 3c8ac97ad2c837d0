/**
 * The setup most compat suites share: one broker process with the suite's overrides, a kafkajs
 * admin and producer connected to it, the broker's and kafkajs's logs printed when a test fails,
 * and everything shut down afterwards. Call it inside a `describe`: it registers the hooks there.
 */
import type { Admin, Producer, ProducerConfig } from 'kafkajs';
import { BrokerProcess } from './broker-process.js';
import { printBrokerLogOnFailure } from './helpers.js';
import { makeKafka, printKafkajsLogOnFailure, type KafkaWithLog } from './kafkajs.js';

export interface KafkajsBroker {
  readonly broker: BrokerProcess;
  readonly client: KafkaWithLog;
  readonly admin: Admin;
  readonly producer: Producer;
}

export interface KafkajsBrokerOptions {
  readonly overrides?: Readonly<Record<string, string>>;
  readonly producer?: ProducerConfig;
}

export function useKafkajsBroker(clientId: string, opts: KafkajsBrokerOptions = {}): KafkajsBroker {
  let state: { broker: BrokerProcess; client: KafkaWithLog; admin: Admin; producer: Producer } | undefined;
  let broker: BrokerProcess | undefined;
  const ready = (): NonNullable<typeof state> => {
    if (state === undefined) throw new Error('the broker fixture is used before its before() hook ran');
    return state;
  };

  before(async function () {
    this.timeout(60_000);
    broker = await BrokerProcess.start({ overrides: opts.overrides ?? {} });
    const client = makeKafka(broker.bootstrap, clientId);
    const admin = client.kafka.admin();
    await admin.connect();
    const producer = client.kafka.producer(opts.producer ?? {});
    await producer.connect();
    state = { broker, client, admin, producer };
  });

  afterEach(function () {
    printBrokerLogOnFailure(this, broker);
    printKafkajsLogOnFailure(this, state?.client.log ?? []);
  });

  after(async function () {
    this.timeout(30_000);
    await state?.producer.disconnect().catch(() => undefined);
    await state?.admin.disconnect().catch(() => undefined);
    await broker?.cleanup();
  });

  return {
    get broker() {
      return ready().broker;
    },
    get client() {
      return ready().client;
    },
    get admin() {
      return ready().admin;
    },
    get producer() {
      return ready().producer;
    },
  };
}
