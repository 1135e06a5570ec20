// The README's option tables are generated from the preset schemas: each sits between the markers
// `<!-- fields: PRESET -->` and `<!-- /fields -->`, and this rewrites what lies between them.
// test/readme-tables.test.ts checks that the README is current (UPDATE_README=1 rewrites it).
import { presetNamed } from '../experiments/presets.js';
import { presetTable } from './preset-docs.js';

const BLOCK = /(<!-- fields: ([a-z0-9-]+) -->\n)[\s\S]*?(<!-- \/fields -->)/g;

/** The README text with every fields block regenerated. */
export function withCurrentTables(readme: string): string {
  return readme.replace(
    BLOCK,
    (_all, open: string, name: string, close: string) => `${open}${presetTable(presetNamed(name))}\n${close}`,
  );
}

/** The presets that have a table in the README. */
export function presetsWithTables(readme: string): string[] {
  return [...readme.matchAll(BLOCK)].map((m) => m[2]);
}
