// What every figure shares: the Vega-Lite spec type, the schema URL and the style (config block).
// Isomorphic, like the figure specs.
import type { TopLevelSpec } from 'vega-lite';
import type { Config, PresetResult } from '../experiments/preset.js';

export type VegaLiteSpec = TopLevelSpec;

/** A preset's figure from its configuration and result. */
export type FigureBuilder = (config: Config, result: PresetResult) => VegaLiteSpec;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** White background, a grey frame around each plot, 11 px axis labels and 12 px axis titles. */
export const STYLE = {
  background: 'white',
  view: { stroke: '#888' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
};

/** The scale of a model-size axis (N, width, ψ1, γ): log, ends not rounded, 8 px padding. */
export const SIZE_SCALE = { type: 'log' as const, nice: false, padding: 8 };
