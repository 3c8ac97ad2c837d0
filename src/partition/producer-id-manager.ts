/**
 * Hands out producer ids for InitProducerId from blocks the controller allocated (Kafka's
 * RPCProducerIdManager): ids are unique across restarts because each block is recorded in the
 * metadata log before any of its ids is used.
 */
import type { ProducerIdBlock } from '../controller/producer-id-control.js';

export class ProducerIdManager {
  private block: ProducerIdBlock = { first: 0n, end: 0n };
  private next = 0n;
  private pending: Promise<ProducerIdBlock> | null = null;

  constructor(private readonly allocateBlock: () => Promise<ProducerIdBlock>) {}

  async generate(): Promise<bigint> {
    while (this.next >= this.block.end) {
      // Concurrent callers share one allocation.
      this.pending ??= this.allocateBlock().finally(() => (this.pending = null));
      const block = await this.pending;
      if (block.first >= this.block.end) {
        this.block = block;
        this.next = block.first;
      }
    }
    return this.next++;
  }
}
