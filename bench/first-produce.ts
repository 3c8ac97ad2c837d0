/** One acknowledged kafkajs produce to a new (auto-created) topic: "the broker is usable". */
import kafkajs from 'kafkajs';

export async function firstProduce(bootstrap: string): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING, retry: { initialRetryTime: 5, retries: 50 } });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({ topic: 'cold-start', acks: 1, messages: [{ value: 'hello' }] });
  await producer.disconnect();
}
