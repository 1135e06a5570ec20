// Every preset ddlab knows, by name.
import type { Preset } from './preset.js';
import { polynomialFitsPreset } from './polynomial-fits.js';
import { polynomialPreset } from './polynomial.js';
import { rffPreset } from './rff.js';

export const PRESETS: Record<string, Preset> = {
  rff: rffPreset as unknown as Preset,
  'polynomial-fits': polynomialFitsPreset as unknown as Preset,
  polynomial: polynomialPreset as unknown as Preset,
};

export function presetNamed(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${name}'`);
  return p;
}
