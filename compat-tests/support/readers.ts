/**
 * Group-less readers: read a whole topic from the beginning to its end with a real client, without
 * consumer groups. The readers live in src/compat/clients/ (the compat product uses them); this
 * keeps the suites' synchronous anyReader() on top of them.
 */
import { readWithKcat } from '../../src/compat/clients/kcat.js';
import { readWithPython } from '../../src/compat/clients/python.js';
import { clientProblem, type ClientName } from './helpers.js';

export { readWithKcat } from '../../src/compat/clients/kcat.js';
export { readWithPython } from '../../src/compat/clients/python.js';
export { byPartition, type ConsumedRecord } from '../../src/compat/records.js';
import type { ConsumedRecord } from '../../src/compat/records.js';

export interface Reader {
  readonly name: ClientName;
  read(bootstrap: string, topic: string, timeoutMs?: number): Promise<ConsumedRecord[]>;
}

/** The first usable group-less reader (kcat, then confluent-kafka-python, then kafka-python), or undefined. */
export function anyReader(): Reader | undefined {
  if (clientProblem('kcat') === null) return { name: 'kcat', read: (b, t, ms) => readWithKcat(b, t, ms) };
  for (const name of ['confluent-kafka-python', 'kafka-python'] as const) {
    if (clientProblem(name) === null) {
      return { name, read: (b, t, ms) => readWithPython(name, b, t, 0, ms) };
    }
  }
  return undefined;
}
