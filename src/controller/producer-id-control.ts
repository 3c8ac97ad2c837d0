/**
 * Producer id blocks (Kafka's AllocateProducerIds, KIP-730): the controller hands a broker a block
 * of ids by recording the next free id in the metadata log, so no id is ever handed out twice,
 * across restarts included.
 */
import type { MetadataImage } from '../metadata/metadata-image.js';
import type { ControllerResult } from './controller.js';

/** Kafka's block size (ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE). */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;

export interface ProducerIdBlock {
  first: bigint;
  /** One past the last id of the block. */
  end: bigint;
}

export function allocateProducerIdsCommand(brokerId: number) {
  return (image: MetadataImage): ControllerResult<ProducerIdBlock> => {
    const first = image.nextProducerId;
    const end = first + PRODUCER_ID_BLOCK_SIZE;
    return {
      records: [{ type: 'producerIds', version: 0, data: { brokerId, brokerEpoch: 0n, nextProducerId: end } }],
      response: { first, end },
    };
  };
}
