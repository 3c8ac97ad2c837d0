/**
 * What the schema-registry rows share: a registry of their own against the endpoint under test
 * (its `_schemas` topic and election group named for the cell), the optional kafkajs registry
 * client, and reading a topic's records back through a registry decoder.
 */
import type { Kafka } from 'kafkajs';
import { systemClock } from '../io/clock.js';
import { silentLogger } from '../util/logger.js';
import { startSchemaRegistry, type RunningSchemaRegistry } from '../schema-registry/server.js';
import { NotRunError, type CompatEnv } from './capability.js';

export async function registryFor(env: CompatEnv): Promise<RunningSchemaRegistry> {
  const registry = await startSchemaRegistry({
    bootstrap: [env.bootstrap],
    listeners: [{ host: '127.0.0.1', port: 0 }],
    topic: env.topic('schemas'),
    electionGroup: env.group('sr'),
    clock: systemClock,
    logger: silentLogger,
  });
  env.onCleanup(() => registry.close());
  return registry;
}

/** @kafkajs/confluent-schema-registry is a devDependency: a `tributary compat` install may lack it. */
export async function kafkajsRegistryModule(): Promise<typeof import('@kafkajs/confluent-schema-registry')> {
  try {
    return await import('@kafkajs/confluent-schema-registry');
  } catch {
    throw new NotRunError('@kafkajs/confluent-schema-registry is not installed (npm install @kafkajs/confluent-schema-registry@4.1.0)');
  }
}

/** Consumes `count` records of `topic` from the beginning and decodes each with `decode` (as plain JSON values). */
export async function consumeDecoded(env: CompatEnv, kafka: Kafka, topic: string, group: string, count: number, decode: (value: Buffer) => Promise<unknown>): Promise<unknown[]> {
  const consumer = kafka.consumer({ groupId: env.group(group) });
  await consumer.connect();
  env.onCleanup(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    env.signal.addEventListener('abort', () => reject(new Error(`cell timed out before ${count} records were consumed`)));
    void consumer.run({
      eachMessage: async ({ message }) => {
        try {
          got.push(JSON.parse(JSON.stringify(await decode(message.value as Buffer))));
          if (got.length === count) resolve();
        } catch (e) {
          reject(e as Error);
        }
      },
    });
  });
  return got;
}
