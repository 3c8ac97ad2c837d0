/** The whole result as JSON, for tools (MatrixResult, see runner.ts). */
import type { MatrixResult } from '../runner.js';

export function formatJson(m: MatrixResult): string {
  return JSON.stringify(m, null, 2) + '\n';
}
