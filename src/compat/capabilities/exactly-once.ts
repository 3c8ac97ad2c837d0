/**
 * Exactly-once consume-transform-produce (KIP-98/KIP-447 as librdkafka drives it): a read_committed
 * consumer, a transactional producer and the consumer's offsets sent in each transaction; over
 * 50,000 input records (5,000 against an endpoint the run did not start, to keep the run short) the
 * output holds each record exactly once, in input order per partition.
 */
import { defineCapability, type CompatEnv } from '../capability.js';
import type { DriverHandle } from '../clients/java.js';
import { runExactlyOnce, TXN_APIS, TXN_OFFSET_APIS } from '../txn-steps.js';
import { GROUP_APIS } from '../group-steps.js';

/** The driver-protocol clients (confluent-kafka-python 1.x and 2.x, java, franz-go) run the loop. */
function driverCell(env: CompatEnv, d: DriverHandle): Promise<void> {
  return runExactlyOnce(env, d, env.controlled !== undefined ? 50_000 : 5_000, 0);
}

export default defineCapability({
  id: 'exactly-once',
  title: 'exactly-once consume-transform-produce loop (50,000 records): each output once, in order',
  order: 440,
  requires: [...TXN_APIS, ...TXN_OFFSET_APIS, ...GROUP_APIS],
  timeoutMs: 300_000,
  cells: {
    'confluent-kafka-python': driverCell,
    java: driverCell,
    'franz-go': driverCell,
    'confluent-kafka-python-2': driverCell,
    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
