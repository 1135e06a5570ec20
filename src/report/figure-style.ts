// What every figure shares: the Vega-Lite spec type, the schema URL and the style (config block).
// Isomorphic, like the figure specs.
import type { TopLevelSpec } from 'vega-lite';

export type VegaLiteSpec = TopLevelSpec;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** White background, a grey frame around each plot, 11 px axis labels and 12 px axis titles. */
export const STYLE = {
  background: 'white',
  view: { stroke: '#888' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
};
