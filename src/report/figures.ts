// The figure of each preset's run: a Vega-Lite spec from its configuration and result.
import type { Config, PresetResult } from '../experiments/preset.js';
import type { CurvePoint } from '../probes/curve-point.js';
import { polynomialFigures } from './polynomial-figures.js';
import type { FigureBuilder, VegaLiteSpec } from './figure-style.js';
import { rffFigureSpec } from './rff-figure.js';
import { theoryFigures } from './theory-figures.js';
import { trainingFigures } from './training-figures.js';
import { igrFigures } from './igr-figures.js';
import { belkinFigureSpec } from './belkin-figure.js';
import { classesFromRows } from '../experiments/networks/belkin-mlp.js';
import { stabilityFigures } from './stability-figures.js';
import { complexityFigures } from './complexity-figure.js';

const FIGURES: Record<string, FigureBuilder> = {
  rff: (config, result) => {
    const kind = config.kind === 'relu' ? 'Random ReLU' : 'Random Fourier';
    const ridge = config.ridge ? `, ridge ${config.ridge}` : '';
    const noise = config.labelNoise ? `, label noise ${config.labelNoise}` : '';
    return rffFigureSpec(result.points as CurvePoint[], {
      threshold: config.n as number,
      title: `${kind} features on ${config.dataset}: n = ${config.n}, ${config.nTest} test points${ridge}${noise}`,
    });
  },
  'belkin-mlp': (config, result) =>
    belkinFigureSpec(result.points, {
      title:
        `One hidden layer on ${config.dataset}: n = ${config.n}, squared loss, ` +
        `${config.optimizer} lr ${config.lr}, ${config.epochs} epochs (Belkin et al. 2018, Fig. 4)`,
      thresholdParameters: (config.n as number) * classesFromRows(result.points),
    }),
  ...polynomialFigures,
  ...theoryFigures,
  ...trainingFigures,
  ...igrFigures,
  ...stabilityFigures,
  ...complexityFigures,
};

export function figureFor(experiment: string, config: Config, result: PresetResult): VegaLiteSpec {
  const build = FIGURES[experiment];
  if (!build) throw new Error(`no figure for experiment '${experiment}'`);
  return build(config, result);
}
