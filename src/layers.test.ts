/**
 * The layer map in src/README.md is true: a folder imports only from folders above it in the
 * README's table (or from itself). The table is read from the README, so the map and this check
 * cannot drift apart. src/testing/ and test files (which assemble whole nodes) may import anything.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/src/: the sources are two levels up, in src/.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** The README's rows, top to bottom: folder names ('io', 'util', …) and the root files' row. */
function layers(): string[][] {
  const rows = readFileSync(join(SRC, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('| `'));
  return rows.map((r) => [...(r.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').replace(/\/$/, '')));
}

/** The layer a source file belongs to: its first folder under src/, or the file name at the root. */
function layerOf(file: string, table: string[][]): number {
  const rel = relative(SRC, file).split('/');
  const key = rel.length === 1 ? rel[0] ?? '' : rel[0] ?? '';
  return table.findIndex((names) => names.includes(key));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' || e.name === 'fixtures' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('src/README.md layer map', () => {
  it('names every folder and root file of src/', () => {
    const table = layers();
    const missing = readdirSync(SRC, { withFileTypes: true })
      .filter((e) => (e.isDirectory() || (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))) && layerOf(join(SRC, e.name, e.isDirectory() ? 'x.ts' : ''), table) < 0)
      .map((e) => e.name);
    assert.deepEqual(missing, [], 'folders or files of src/ the README table does not name');
  });

  it('no import points down the table', () => {
    const table = layers();
    const testing = table.findIndex((names) => names.includes('testing'));
    const wrong: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const own = layerOf(file, table);
      if (own === testing || own < 0 || file.endsWith('.test.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
        const target = resolve(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'));
        if (!target.startsWith(SRC)) continue;
        const layer = layerOf(target, table);
        if (layer < 0 || layer > own) wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(wrong, [], 'imports from a folder listed below the importer in src/README.md');
  });

  it('handlers and coordinators reach data only through partition/, never storage/ (DESIGN.md: HW != LEO)', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const folder = relative(SRC, file).split('/')[0];
      if (file.endsWith('.test.ts') || !['kafka', 'coordinator', 'network'].includes(folder ?? '')) continue;
      for (const target of importsOf(file)) if (relative(SRC, target).startsWith('storage/')) wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
    assert.deepEqual(wrong, []);
  });

  // compat/ is left out: a cell's env hands it any other client's handle (env.client()), so the
  // capability types and the client adapters name each other, by type only.
  it('no import cycle between source files of the broker', () => {
    const files = sourceFiles(SRC).filter((f) => !f.endsWith('.test.ts') && !relative(SRC, f).startsWith('compat/'));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const target of importsOf(file)) if (!relative(SRC, target).startsWith('compat/')) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const f of files) visit(f, []);
    assert.deepEqual(cycles, []);
  });
});

/** The source files `file` imports (relative imports inside src/, type-only ones included). */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const target = resolve(dirname(file), (m[1] ?? '').replace(/\.js$/, '.ts'));
    if (target.startsWith(SRC)) out.push(target);
  }
  return out;
}
