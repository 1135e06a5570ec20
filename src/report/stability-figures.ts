// The edge-of-stability figure (Cohen et al. 2021, Fig. 1): sharpness against the GD step, one colour
// per step size η, each with its threshold 2/η dashed in the same colour; under it the training
// loss. Isomorphic, like every figure spec.
import type { Config, PresetResult } from '../experiments/preset.js';
import { SCHEMA, STYLE, type FigureBuilder, type VegaLiteSpec } from './figure-style.js';

export function edgeOfStabilitySpec(config: Config, result: PresetResult): VegaLiteSpec {
  const rows = result.points;
  const lrs = [...new Set(rows.map((r) => r.lr))].sort((a, b) => a - b);
  const color = {
    field: 'lr',
    type: 'ordinal' as const,
    title: 'step size η',
    scale: { domain: lrs, scheme: 'category10' },
  };
  const step = { field: 'step', type: 'quantitative' as const, title: 'GD step' };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Edge of stability: full-batch gradient descent',
      subtitle: `${config.dataset}, n = ${config.n}, MLP ${config.depth} × ${config.width} (${config.activation}), ${config.loss} loss, init ${config.init}; dashed: 2/η`,
    },
    data: { values: rows.map((r) => ({ ...r })) },
    vconcat: [
      {
        width: 560,
        height: 260,
        layer: [
          {
            mark: { type: 'line', point: { size: 16 } },
            encoding: {
              x: step,
              y: { field: 'sharpness', type: 'quantitative', title: 'sharpness (top Hessian eigenvalue)' },
              color,
            },
          },
          {
            // One rule per η: its own rows, else one rule per measured step.
            data: { values: lrs.map((lr) => ({ lr, threshold: 2 / lr })) },
            mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 1.5 },
            encoding: { y: { field: 'threshold', type: 'quantitative' }, color },
          },
        ],
      },
      {
        width: 560,
        height: 160,
        mark: { type: 'line' },
        encoding: {
          x: step,
          y: { field: 'trainLoss', type: 'quantitative', title: 'train loss', scale: { type: 'log' } },
          color,
        },
      },
    ],
    resolve: { scale: { x: 'shared' } },
    spacing: 24,
    config: STYLE,
  } as VegaLiteSpec;
}

export const stabilityFigures: Record<string, FigureBuilder> = {
  'edge-of-stability': edgeOfStabilitySpec,
};
