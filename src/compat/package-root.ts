/**
 * Where this package lives, for what is not compiled: bin/tributary.js (to start a broker process)
 * and the Python client drivers in src/compat/python/ (shipped through package.json "files").
 * This module runs from dist/src/compat/, three levels below the package root.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The `tributary` command of this package. */
export const TRIBUTARY_CLI = join(PACKAGE_ROOT, 'bin', 'tributary.js');

/** The Python drivers (not compiled: read from the source tree, which the package ships). */
export const PYTHON_DIR = join(PACKAGE_ROOT, 'src', 'compat', 'python');

export function pythonScript(name: string): string {
  return join(PYTHON_DIR, name);
}
