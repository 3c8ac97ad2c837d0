/** The client columns: one adapter per client, and the group-less readers cells use to read back. */
import type { ClientHandles, ClientId, CompatEnv } from '../capability.js';
import type { ConsumedRecord } from '../records.js';
import { INSTALL_HINT } from '../jvm/maven.js';
import type { ClientAdapter } from './adapter.js';
import { detectKafkaCli, prepareKafkaCli } from './kafka-cli.js';
import { detectKafkajs } from './kafkajs.js';
import { detectJava, prepareJava } from './java.js';
import { detectKcat } from './kcat.js';
import { confluentPypiAdapter } from './confluent-pypi.js';
import { franzGoAdapter } from './franz-go.js';
import { debianPackage, detectPython } from './python.js';

export const ADAPTERS: { readonly [C in ClientId]: ClientAdapter<ClientHandles[C]> } = {
  'kafkajs': { title: 'kafkajs', install: 'npm install kafkajs', detect: detectKafkajs },
  'kcat': { title: 'kcat', install: 'apt-get install kcat', detect: detectKcat },
  'confluent-kafka-python': {
    title: 'confluent-kafka-python', install: `apt-get install ${debianPackage('confluent-kafka-python')}`,
    detect: () => detectPython('confluent-kafka-python'),
  },
  'kafka-python': {
    title: 'kafka-python', install: `apt-get install ${debianPackage('kafka-python')} (python3-snappy python3-lz4 python3-zstandard for its codecs)`,
    detect: () => detectPython('kafka-python'),
  },
  'java': { title: 'Java client (kafka-clients)', install: `${INSTALL_HINT} (needs a JDK and Maven)`, detect: detectJava, prepare: prepareJava },
  'kafka-cli': { title: 'Kafka CLI tools', install: `${INSTALL_HINT} (needs a JDK and Maven)`, detect: detectKafkaCli, prepare: prepareKafkaCli },
  'franz-go': franzGoAdapter,
  'confluent-kafka-python-2': confluentPypiAdapter,
};

export interface Reader {
  readonly name: ClientId;
  read(topic: string, expect?: number, timeoutMs?: number): Promise<ConsumedRecord[]>;
}

/**
 * A group-less reader other than `except` (kcat, then confluent-kafka-python, then kafka-python, then java), to
 * read back what a client wrote; undefined when none is usable here.
 */
export function anyReader(env: CompatEnv, except?: ClientId): Reader | undefined {
  const kcat = except === 'kcat' ? undefined : env.client('kcat');
  if (kcat !== undefined) return { name: 'kcat', read: (topic, _expect, ms) => kcat.readAll(env, topic, ms) };
  for (const name of ['confluent-kafka-python', 'kafka-python'] as const) {
    const py = except === name ? undefined : env.client(name);
    if (py !== undefined) return { name, read: (topic, expect, ms) => py.readAll(env, topic, expect, ms) };
  }
  const java = except === 'java' ? undefined : env.client('java');
  if (java !== undefined) return { name: 'java', read: (topic, expect, ms) => java.readAll(env, topic, expect, ms) };
  return undefined;
}
