/**
 * Which partition a keyed record goes to, as Kafka's Java producer chooses it (and so kafkajs,
 * librdkafka's murmur2_random, franz-go's default): murmur2 of the key bytes, made positive, modulo
 * the partition count. Records written by `tributary topic produce` land where any Kafka client
 * would put the same key.
 */

/** Kafka's 32-bit murmur2 (seed 0x9747b28c), as its Utils.murmur2 computes it. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  const length = data.length;
  let h = (0x9747b28c ^ length) | 0;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    let k = data.readInt32LE(i * 4);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = blocks * 4;
  const rest = length & 3;
  if (rest === 3) h ^= (data[tail + 2] as number) << 16;
  if (rest >= 2) h ^= (data[tail + 1] as number) << 8;
  if (rest >= 1) {
    h ^= data[tail] as number;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition for `key` among `count` partitions. */
export function partitionForKey(key: Buffer, count: number): number {
  return (murmur2(key) & 0x7fffffff) % count;
}
