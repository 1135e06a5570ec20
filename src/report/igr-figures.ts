// Figures of the implicit-gradient-regularization presets (Barrett & Dherin 2020). Pure data →
// Vega-Lite, like every figure.
import type { Config, Row } from '../experiments/preset.js';
import { SCHEMA, STYLE, type FigureBuilder, type VegaLiteSpec } from './figure-style.js';

const log = { type: 'log' as const, nice: false };

/** Distances after one GD step to the flows of E and Ẽ against h, log–log, per model. */
export function modifiedFlowFigure(
  rows: Row[],
  slopes: { model: number; slopeToFlow: number; slopeToModifiedFlow: number }[],
): VegaLiteSpec {
  const names = ['two-parameter example', 'tiny MLP'];
  const values = rows.flatMap((r) => [
    { h: r.h, distance: r.toFlow, curve: 'to the flow of E', model: names[r.model] },
    { h: r.h, distance: r.toModifiedFlow, curve: 'to the flow of E + λR_IG', model: names[r.model] },
  ]);
  return {
    $schema: SCHEMA,
    title: {
      text: 'One gradient-descent step against gradient flows (Barrett & Dherin 2020, Thm 3.1)',
      subtitle: slopes.map(
        (s) =>
          `${names[s.model]}: slopes ${s.slopeToFlow.toFixed(2)} and ${s.slopeToModifiedFlow.toFixed(2)} (theory 2 and 3)`,
      ),
    },
    data: { values },
    facet: { column: { field: 'model', type: 'nominal', title: null, sort: names } },
    spec: {
      width: 320,
      height: 260,
      mark: { type: 'line', point: { size: 24 } },
      encoding: {
        x: { field: 'h', type: 'quantitative', scale: log, title: 'step size h' },
        y: {
          field: 'distance',
          type: 'quantitative',
          scale: log,
          title: '‖θ_GD − θ_flow(h)‖',
          axis: { format: '.0e' },
        },
        color: { field: 'curve', type: 'nominal', title: null, legend: { labelLimit: 300 } },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: STYLE,
  } as VegaLiteSpec;
}

/** igr-lr: R_IG against λ (log–log) and test accuracy against λ, GD and SGD. */
export function igrLrFigure(rows: Row[]): VegaLiteSpec {
  const values = rows.map((r) => ({
    ...r,
    training: r.mode === 0 ? 'full-batch GD' : `SGD (batch ${r.batchSize})`,
  }));
  const panel = (field: string, title: string, logY: boolean, format: string) => ({
    width: 320,
    height: 240,
    mark: { type: 'line' as const, point: { size: 30 } },
    encoding: {
      x: { field: 'lambda', type: 'quantitative' as const, scale: log, title: 'λ = hm/4' },
      y: {
        field,
        type: 'quantitative' as const,
        title,
        scale: logY ? log : { zero: false },
        axis: { format },
      },
      color: { field: 'training', type: 'nominal' as const, title: null },
    },
  });
  return {
    $schema: SCHEMA,
    title: {
      text: 'Implicit gradient regularization: larger steps, smaller R_IG (Barrett & Dherin 2020, Fig. 2–3)',
    },
    data: { values },
    hconcat: [
      panel('rig', 'R_IG = (1/m)‖∇E‖² at the end', true, '.0e'),
      panel('testAccuracy', 'test accuracy', false, '.1%'),
    ],
    config: STYLE,
  } as VegaLiteSpec;
}

/** igr-explicit: test accuracy against μ, with the implicit large-step run as a rule. */
export function igrExplicitFigure(rows: Row[], config: Config): VegaLiteSpec {
  const explicit = rows.filter((r) => r.kind === 0).map((r) => ({ ...r }));
  const implicit = rows.filter((r) => r.kind === 1).map((r) => ({ ...r }));
  const positive = explicit.filter((r) => r.mu > 0);
  return {
    $schema: SCHEMA,
    title: {
      text: `Explicit (h = ${config.smallLr}, E + μR_IG) vs implicit (h = ${config.largeLr}) gradient regularization`,
      subtitle: 'points: explicit, by μ (μ = 0 as the dotted rule); dashed: implicit at the large step',
    },
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: positive },
        mark: { type: 'line', point: { size: 30 } },
        encoding: {
          x: { field: 'mu', type: 'quantitative', scale: log, title: 'μ' },
          y: {
            field: 'testAccuracy',
            type: 'quantitative',
            title: 'test accuracy',
            scale: { zero: false },
            axis: { format: '.1%' },
          },
        },
      },
      {
        data: { values: explicit.filter((r) => r.mu === 0) },
        mark: { type: 'rule', strokeDash: [2, 3], color: '#555' },
        encoding: { y: { field: 'testAccuracy', type: 'quantitative' } },
      },
      {
        data: { values: implicit },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#d62728' },
        encoding: { y: { field: 'testAccuracy', type: 'quantitative' } },
      },
    ],
    config: STYLE,
  } as VegaLiteSpec;
}

export const igrFigures: Record<string, FigureBuilder> = {
  'igr-modified-flow': (_config, result) =>
    modifiedFlowFigure(
      result.points,
      (result.summary.slopes as { model: number; slopeToFlow: number; slopeToModifiedFlow: number }[]) ?? [],
    ),
  'igr-lr': (_config, result) => igrLrFigure(result.points),
  'igr-explicit': (config, result) => igrExplicitFigure(result.points, config),
};
