/**
 * Kafka UUIDs (topic ids) travel as 16 raw bytes and are shown as URL-safe base64 without padding
 * (Kafka's Uuid.toString). We keep them as that string everywhere above the codec.
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidFromBytes(buf: Buffer, at: number): string {
  return buf.toString('base64url', at, at + 16);
}

export function uuidToBytes(uuid: string): Buffer {
  const bytes = Buffer.from(uuid, 'base64url');
  if (bytes.length !== 16) throw new Error(`not a Kafka uuid: ${uuid}`);
  return bytes;
}
