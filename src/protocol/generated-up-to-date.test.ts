/**
 * The committed generated codecs are exactly what the schema files produce (DESIGN.md: CI
 * regenerates and fails on a diff), so nobody hand-edits src/protocol/generated/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('generated protocol code', () => {
  it('matches protocol/*.json (npm run generate -- --check)', () => {
    const r = spawnSync(process.execPath, [join(root, 'protocol', 'generator', 'generate.mjs'), '--check'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr + r.stdout);
  });
});
