/**
 * The matrix rows: every other module in this folder, loaded at run time. A file's default export
 * is a Capability or an array of them; adding a row is adding a file (see README.md here). Rows are
 * sorted by `order`, then id; ids must be unique.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Capability } from '../capability.js';

const HERE = dirname(fileURLToPath(import.meta.url));

function isCapability(x: unknown): x is Capability {
  if (x === null || typeof x !== 'object') return false;
  const c = x as Partial<Capability>;
  return typeof c.id === 'string' && typeof c.title === 'string' && typeof c.order === 'number'
    && Array.isArray(c.requires) && typeof c.cells === 'object' && c.cells !== null;
}

let loaded: Promise<Capability[]> | undefined;

export function loadCapabilities(): Promise<Capability[]> {
  loaded ??= (async () => {
    const files = readdirSync(HERE)
      .filter((f) => f.endsWith('.js') && f !== 'index.js' && !f.endsWith('.test.js'))
      .sort();
    const all: Capability[] = [];
    const ids = new Map<string, string>();
    for (const f of files) {
      const mod = (await import(pathToFileURL(join(HERE, f)).href)) as { default?: unknown };
      const list = Array.isArray(mod.default) ? (mod.default as unknown[]) : [mod.default];
      for (const c of list) {
        if (!isCapability(c)) throw new Error(`src/compat/capabilities/${f}: the default export is not a Capability (or an array of them)`);
        if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(c.id)) throw new Error(`src/compat/capabilities/${f}: id '${c.id}' is not kebab-case`);
        const other = ids.get(c.id);
        if (other !== undefined) throw new Error(`capability id '${c.id}' is defined in both ${other} and ${f}`);
        ids.set(c.id, f);
        all.push(c);
      }
    }
    return all.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  })();
  return loaded;
}

/** Only the capabilities whose id is in `ids` (unknown ids are an error naming the known ones). */
export function selectCapabilities(all: readonly Capability[], ids: readonly string[] | undefined): Capability[] {
  if (ids === undefined || ids.length === 0) return [...all];
  const unknown = ids.filter((id) => !all.some((c) => c.id === id));
  if (unknown.length > 0) throw new Error(`unknown capability ${unknown.join(', ')}; known: ${all.map((c) => c.id).join(', ')}`);
  return all.filter((c) => ids.includes(c.id));
}
