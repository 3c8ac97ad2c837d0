/** Facts about this host that the broker advertises. */
import { hostname } from 'node:os';

/** What Kafka advertises for a listener bound to every interface: the host's name. */
export function localHostName(): string {
  return hostname();
}
