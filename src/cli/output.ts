/**
 * What the CLI prints: tables for people (cut to fit the terminal's width), one JSON document for scripts (--json), colour only when the stream is a
 * terminal and NO_COLOR is unset, and progress lines on stderr only when stderr is a terminal.
 */
export interface Out {
  write(s: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * stdout, which a reader may close early (`tributary topic consume t | head`): EPIPE is then the end
 * of the output, not a crash; what is written after it is dropped and `onStdoutClosed` hooks run (a
 * consume stops as on Ctrl-C).
 */
let stdoutClosed = false;
const closedHooks: (() => void)[] = [];
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  stdoutClosed = true;
  for (const fn of closedHooks.splice(0)) fn();
});

export function onStdoutClosed(fn: () => void): void {
  if (stdoutClosed) fn();
  else closedHooks.push(fn);
}

export const stdout: Out = {
  write: (s) => void (stdoutClosed || process.stdout.write(s)),
  get isTTY() { return process.stdout.isTTY; },
  get columns() { return process.stdout.columns; },
};
export const stderr: Out = process.stderr;

export function colours(o: Out = stdout): boolean {
  // NO_COLOR (no-color.org): present and not empty turns colour off.
  return o.isTTY === true && (process.env['NO_COLOR'] ?? '') === '';
}

const paint = (code: string) => (s: string, o: Out = stdout): string => (colours(o) ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = paint('1');
export const red = paint('31');
export const dim = paint('2');

export type Cell = string | number | boolean | null | undefined;

/** Widest a table may be: the terminal's width (100 when it says none); uncut in a pipe, where scripts read it. */
function maxWidth(o: Out): number {
  if (o.isTTY !== true) return Infinity;
  return o.columns !== undefined && o.columns > 20 ? o.columns : 100;
}

/**
 * A table: a bold header row, columns two spaces apart. When it is wider than the terminal, the
 * widest column is cut (with '…') until it fits.
 */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], o: Out = stdout): void {
  const text = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const limit = maxWidth(o);
  for (let total = sum(widths) + 2 * (widths.length - 1); total > limit; total = sum(widths) + 2 * (widths.length - 1)) {
    const widest = widths.indexOf(Math.max(...widths));
    const over = total - limit;
    const next = Math.max(headers[widest]?.length ?? 4, 4, (widths[widest] ?? 0) - over);
    if (next === widths[widest]) break;
    widths[widest] = next;
  }
  const line = (cells: readonly string[]): string => cells.map((c, i) => fit(c, widths[i] ?? 0, i === cells.length - 1)).join('  ').trimEnd();
  o.write(bold(line([...headers]), o) + '\n');
  for (const r of text) o.write(line(r) + '\n');
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '-';
  return String(c).replace(/[\r\n\t]/g, ' ');
}

function fit(s: string, w: number, last: boolean): string {
  if (s.length > w) return s.slice(0, Math.max(0, w - 1)) + '…';
  return last ? s : s.padEnd(w);
}

/** `key: value` lines for one object (a describe header). */
export function fields(pairs: readonly [string, Cell][], o: Out = stdout): void {
  const w = Math.max(...pairs.map(([k]) => k.length));
  for (const [k, v] of pairs) o.write(`${bold((k + ':').padEnd(w + 1), o)} ${cellText(v)}\n`);
}

/** One JSON document, pretty when a person reads it. */
export function json(value: unknown, o: Out = stdout): void {
  o.write(JSON.stringify(value, null, o.isTTY === true ? 2 : undefined) + '\n');
}

/**
 * Progress on a long operation: one line on stderr, redrawn in place, only when stderr is a terminal
 * (nothing at all in pipes and logs). done() clears it.
 */
export class Progress {
  private last = 0;
  private shown = false;

  /**
   * `interleaved`: the command prints to stdout as it goes (consume); then progress shows only when
   * stdout is not the same terminal, or the two would be drawn over each other.
   */
  constructor(private readonly label: string, private readonly total: number | null, private readonly o: Out = stderr, private readonly now: () => number = Date.now, private readonly interleaved = false) {}

  update(n: number): void {
    if (this.o.isTTY !== true || (this.interleaved && stdout.isTTY === true)) return;
    const t = this.now();
    if (t - this.last < 100 && (this.total === null || n < this.total)) return;
    this.last = t;
    this.shown = true;
    this.o.write(`\r\x1b[K${this.label} ${n}${this.total === null ? '' : `/${this.total}`}`);
  }

  done(): void {
    if (this.shown) this.o.write('\r\x1b[K');
    this.shown = false;
  }
}
