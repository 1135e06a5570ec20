// Every preset ddlab knows, by name, grouped as the lab is: the classical picture, random features,
// theory, networks, implicit regularization, stability, complexity measures.
import type { Preset } from './preset.js';
import { polynomialFitsPreset } from './classical/polynomial-fits.js';
import { polynomialPreset } from './classical/polynomial.js';
import { rffPreset } from './random-features/rff.js';
import { linearGaussianPreset } from './theory/linear-gaussian.js';
import { rfReluGaussianPreset } from './theory/rf-relu-gaussian.js';
import { epochwiseLinearPreset } from './theory/epochwise-linear.js';
import { samplewiseLinearPreset } from './theory/samplewise-linear.js';
import { mlpWidthPreset } from './networks/mlp-width.js';
import { epochwisePreset, widthEpochHeatmapPreset } from './networks/epochwise.js';
import { samplewisePreset } from './networks/samplewise.js';
import { emcPreset } from './networks/emc.js';
import { belkinMlpPreset } from './networks/belkin-mlp.js';
import { mnist1dWidthPreset } from './networks/mnist1d-width.js';
import { resnetWidthPreset } from './networks/resnet-width.js';
import { igrLrPreset } from './implicit-regularization/igr-lr.js';
import { igrExplicitPreset } from './implicit-regularization/igr-explicit.js';
import { igrModifiedFlowPreset } from './implicit-regularization/igr-modified-flow.js';
import { edgeOfStabilityPreset } from './stability/edge-of-stability.js';
import { complexityMeasuresPreset } from './complexity/complexity-measures.js';

const ALL: Preset[] = [
  rffPreset,
  polynomialFitsPreset,
  polynomialPreset,
  linearGaussianPreset,
  rfReluGaussianPreset,
  epochwiseLinearPreset,
  samplewiseLinearPreset,
  mlpWidthPreset,
  epochwisePreset,
  widthEpochHeatmapPreset,
  samplewisePreset,
  emcPreset,
  belkinMlpPreset,
  mnist1dWidthPreset,
  resnetWidthPreset,
  igrLrPreset,
  igrExplicitPreset,
  igrModifiedFlowPreset,
  edgeOfStabilityPreset,
  complexityMeasuresPreset,
];

export const PRESETS: Readonly<Record<string, Preset>> = Object.fromEntries(ALL.map((p) => [p.name, p]));

export function presetNamed(name: string): Preset {
  const p = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!p) throw new Error(`preset must be one of ${Object.keys(PRESETS).join(', ')}, got '${name}'`);
  return p;
}
