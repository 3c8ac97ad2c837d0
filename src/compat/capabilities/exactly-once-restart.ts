/**
 * Fault test: the exactly-once loop of the exactly-once row (50,000 records) while the broker is
 * killed with SIGKILL three times and started again: every input record is in the output exactly
 * once, in order per partition (aborted transactions rewound, fenced producers re-initialised).
 */
import { defineCapability } from '../capability.js';
import { GROUP_APIS } from '../group-steps.js';
import { runExactlyOnce, TXN_APIS, TXN_OFFSET_APIS } from '../txn-steps.js';

export default defineCapability({
  id: 'exactly-once-restart',
  title: 'exactly-once loop through three broker kill -9s: every record once, in order',
  order: 930,
  needsRestart: true,
  requires: [...TXN_APIS, ...TXN_OFFSET_APIS, ...GROUP_APIS],
  timeoutMs: 420_000,
  cells: {
    async 'confluent-kafka-python'(env, py) {
      await runExactlyOnce(env, py, 50_000, 3);
    },
    async java(env, j) {
      await runExactlyOnce(env, j, 50_000, 3);
    },
    kcat: { notApplicable: 'kcat has no transactional producer' },
    'kafka-python': { notApplicable: 'kafka-python 2.0.2 has no transactional producer' },
  },
});
