// Every preset ddlab knows, by name.
import type { Preset } from './preset.js';
import { linearGaussianPreset } from './theory/linear-gaussian.js';
import { polynomialFitsPreset } from './classical/polynomial-fits.js';
import { polynomialPreset } from './classical/polynomial.js';
import { rfReluGaussianPreset } from './theory/rf-relu-gaussian.js';
import { rffPreset } from './random-features/rff.js';
import { mlpWidthPreset } from './networks/mlp-width.js';
import { epochwisePreset, widthEpochHeatmapPreset } from './networks/epochwise.js';
import { samplewisePreset } from './networks/samplewise.js';
import { emcPreset } from './networks/emc.js';
import { igrLrPreset } from './implicit-regularization/igr-lr.js';
import { igrExplicitPreset } from './implicit-regularization/igr-explicit.js';
import { igrModifiedFlowPreset } from './implicit-regularization/igr-modified-flow.js';

export const PRESETS: Record<string, Preset> = {
  rff: rffPreset as unknown as Preset,
  'polynomial-fits': polynomialFitsPreset as unknown as Preset,
  polynomial: polynomialPreset as unknown as Preset,
  'linear-gaussian': linearGaussianPreset as unknown as Preset,
  'rf-relu-gaussian': rfReluGaussianPreset as unknown as Preset,
  'mlp-width': mlpWidthPreset as unknown as Preset,
  epochwise: epochwisePreset as unknown as Preset,
  'width-epoch-heatmap': widthEpochHeatmapPreset as unknown as Preset,
  samplewise: samplewisePreset as unknown as Preset,
  emc: emcPreset as unknown as Preset,
  'igr-lr': igrLrPreset as unknown as Preset,
  'igr-explicit': igrExplicitPreset as unknown as Preset,
  'igr-modified-flow': igrModifiedFlowPreset as unknown as Preset,
};

export function presetNamed(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${name}'`);
  return p;
}
