/**
 * The mocha matrix suites keep each cell's result and, when asked through an environment variable
 * naming a file, write the whole matrix there as Markdown once they are done: CI prints those files
 * instead of running every cell a second time through `tributary compat`.
 */
import { writeFileSync } from 'node:fs';
import type { Capability, ClientId } from '../../src/compat/capability.js';
import { formatMatrix } from '../../src/compat/report/index.js';
import { cellKey, matrixFromCells, type CellResult, type CompatSession } from '../../src/compat/runner.js';

export class MatrixRecorder {
  private readonly ran = new Map<string, CellResult>();
  private readonly started = Date.now();

  constructor(private readonly outputVar: string) {}

  record(cap: Capability, client: ClientId, result: CellResult): void {
    this.ran.set(cellKey(cap.id, client), result);
  }

  /** Writes the matrix (cells not run by the suite are planned, not run) when the variable names a file. */
  async writeIfAsked(session: CompatSession | undefined, capabilities: readonly Capability[]): Promise<void> {
    const file = process.env[this.outputVar];
    if (file === undefined || file === '' || session === undefined) return;
    const matrix = await matrixFromCells(session, capabilities, this.ran, this.started);
    writeFileSync(file, formatMatrix(matrix, 'markdown'));
  }
}
