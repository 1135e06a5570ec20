// The README's option tables are generated from the preset schemas; this keeps them current.
// UPDATE_README=1 npx vitest run test/readme-tables.test.ts rewrites them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetsWithTables, withCurrentTables } from '../src/cli/readme-tables.js';
import { PRESETS } from '../src/experiments/presets.js';

const README = join(import.meta.dirname, '..', 'README.md');

describe('README option tables', () => {
  it('every preset has a table, generated from its schema and current', () => {
    const text = readFileSync(README, 'utf8');
    const current = withCurrentTables(text);
    if (process.env.UPDATE_README === '1') writeFileSync(README, current);
    expect(presetsWithTables(text).sort()).toEqual(Object.keys(PRESETS).sort());
    expect(
      text,
      'README tables are stale: run UPDATE_README=1 npx vitest run test/readme-tables.test.ts',
    ).toBe(current);
  });
});
