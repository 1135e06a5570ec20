// The folder structure as the design states it: presets do not import one another (what they share
// lives in experiments/common/), and the store does not import the sweep layer.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The project files a file imports (relative specifiers, .js mapped back to .ts). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
    resolve(dirname(file), m[1].replace(/\.js$/, '.ts')),
  );
}

describe('layout', () => {
  it('no preset imports another preset', () => {
    const files = filesUnder(join(SRC, 'experiments'));
    const presets = new Set(files.filter((f) => /definePreset\s*[<(]/.test(readFileSync(f, 'utf8'))));
    presets.delete(join(SRC, 'experiments', 'preset.ts'));
    expect(presets.size).toBeGreaterThanOrEqual(12);
    for (const file of presets) {
      const others = importsOf(file).filter((f) => presets.has(f) && f !== file);
      expect(
        others.map((f) => relative(SRC, f)),
        relative(SRC, file),
      ).toEqual([]);
    }
  });

  it('the store imports nothing from the sweep layer', () => {
    for (const file of filesUnder(join(SRC, 'store'))) {
      const fromSweep = importsOf(file).filter((f) => f.startsWith(join(SRC, 'sweep') + '/'));
      expect(
        fromSweep.map((f) => relative(SRC, f)),
        relative(SRC, file),
      ).toEqual([]);
    }
  });
});
