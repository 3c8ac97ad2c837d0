/** Output formats of `tributary compat --format`. */
import type { MatrixResult } from '../runner.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

export const FORMATS = ['text', 'markdown', 'json', 'junit'] as const;
export type Format = (typeof FORMATS)[number];

export function formatMatrix(m: MatrixResult, format: Format): string {
  switch (format) {
    case 'text': return formatText(m);
    case 'markdown': return formatMarkdown(m);
    case 'json': return formatJson(m);
    case 'junit': return formatJunit(m);
  }
}
