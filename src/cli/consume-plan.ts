/** What `topic consume` was asked for, shared by the plain and the group consumer. */
import type { FormattedRecord } from './format.js';

export interface ConsumePlan {
  readonly topic: string;
  readonly partitions: number[] | null;
  readonly start: { kind: 'earliest' } | { kind: 'latest' } | { kind: 'offset'; offset: number } | { kind: 'relative'; back: number } | { kind: 'timestamp'; ms: number };
  readonly count: number | null;
  readonly exitAtEnd: boolean;
  readonly isolationLevel: number;
  readonly print: (r: FormattedRecord) => void;
}
