// Theory curves: the closed forms of src/theory/ (Hastie et al.'s ridgeless and ridge least squares,
// Mei–Montanari's random ReLU features, gradient flow), recomputed on every slider step. They are a
// few hundred evaluations of closed forms, so they run on the page's thread, not the worker.
import type { TopLevelSpec } from 'vega-lite';
import {
  gradientFlowCurve,
  hastieCurve,
  logSpace,
  reluFeaturesCurve,
  ridgeCurve,
  type CurveRow,
} from '../../../src/theory/curves';
import { liveChart } from './chart';
import { controls } from './controls';
import { publish } from './lab-window';
import { pageShell, showProblems } from './page-shell';
import { readState, writeState, type Field, type State } from './url-state';

export const THEORY_FIELDS: Field[] = [
  {
    kind: 'choice',
    key: 'curve',
    label: 'curve',
    default: 'hastie',
    choices: ['hastie', 'ridge', 'rf-relu', 'gradient-flow'],
  },
  { kind: 'number', key: 'signal', label: 'signal ‖β‖', default: 1, min: 0, max: 5, step: 0.01 },
  { kind: 'number', key: 'noise', label: 'noise σ', default: 0.5, min: 0, max: 2, step: 0.01 },
  {
    kind: 'number',
    key: 'lambda',
    label: 'ridge λ (ridge)',
    default: 0.1,
    min: 1e-4,
    max: 10,
    step: 1e-4,
    log: true,
  },
  {
    kind: 'number',
    key: 'psi2',
    label: 'ψ2 = n/d (rf-relu)',
    default: 3,
    min: 0.1,
    max: 100,
    step: 0.01,
    log: true,
  },
  {
    kind: 'number',
    key: 'time',
    label: 'time t (gradient-flow)',
    default: 10,
    min: 0.01,
    max: 10000,
    step: 0.01,
    log: true,
  },
];

/** The grids: 201 log-spaced points, the CLI's `0.1:10:201` and `0.1:100:201`. */
export const GAMMAS = logSpace(0.1, 10, 201);
export const PSI1S = logSpace(0.1, 100, 201);

/** The curve's rows, exactly as `ddlab theory <curve>` computes them for the same parameters. */
export function theoryRows(s: State): CurveRow[] {
  const signal = s.signal as number;
  const noise = s.noise as number;
  const linear = { r: signal, sigma: noise };
  switch (s.curve) {
    case 'ridge':
      return ridgeCurve({ gammas: GAMMAS, lambdas: [s.lambda as number, 'optimal'], target: linear });
    case 'rf-relu':
      return reluFeaturesCurve({ psi1s: PSI1S, psi2: s.psi2 as number, target: { signal, noise } });
    case 'gradient-flow':
      return gradientFlowCurve({ gammas: GAMMAS, times: [s.time as number, Infinity], target: linear });
    default:
      return hastieCurve({ gammas: GAMMAS, target: linear });
  }
}

/** One series per line: its name, its x and the risk (non-finite risks are left out of the plot). */
function plotRows(s: State, rows: CurveRow[]): { x: number; risk: number; series: string }[] {
  const name = (r: CurveRow): string => {
    if (s.curve === 'ridge') return r.optimal ? 'optimal λ' : `λ = ${r.lambda}`;
    if (s.curve === 'gradient-flow') return r.time === Infinity ? 't = ∞ (min-norm)' : `t = ${r.time}`;
    return 'risk';
  };
  const out = rows.map((r) => ({
    x: s.curve === 'rf-relu' ? r.psi1 : r.gamma,
    risk: r.risk,
    series: name(r),
  }));
  if (s.curve === 'rf-relu') {
    for (const r of rows) {
      out.push(
        { x: r.psi1, risk: r.bias, series: 'bias F1²·B' },
        { x: r.psi1, risk: r.variance, series: 'variance τ²·V' },
      );
    }
  }
  return out.filter((r) => Number.isFinite(r.risk));
}

function spec(data: Record<string, object[]>, params: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 640,
    height: 380,
    // Fixed ranges (set per update): an axis that rescales with every slider step hides the change.
    params: [
      { name: 'ymax', value: params.ymax },
      { name: 'xmax', value: params.xmax },
    ],
    datasets: data,
    layer: [
      {
        data: { name: 'curve' },
        mark: { type: 'line', clip: true },
        encoding: {
          x: {
            field: 'x',
            type: 'quantitative',
            scale: { type: 'log', domain: [0.1, { expr: 'xmax' }] },
            title: 'γ = p/n (ψ1 = N/d for rf-relu)',
          },
          y: {
            field: 'risk',
            type: 'quantitative',
            scale: { domain: [0, { expr: 'ymax' }] },
            title: 'excess test risk',
          },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
      {
        data: { name: 'threshold' },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#888' },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

export function startTheoryPage(): void {
  const shell = pageShell(
    'Theory curves',
    'Closed-form test risks of least squares on the isotropic linear model (Hastie, Montanari, Rosset & Tibshirani 2019: ridgeless and ridge), of ridgeless random ReLU features (Mei & Montanari 2019) and of gradient flow from zero. The risk diverges at the interpolation threshold (dashed: γ = 1, or ψ1 = ψ2) and falls again beyond it. The same functions as `ddlab theory`.',
  );
  const { state, problems } = readState(THEORY_FIELDS, location.search);
  showProblems(shell, problems);
  const figure = (rows: CurveRow[]) => ({
    curve: plotRows(state, rows),
    threshold: [{ x: state.curve === 'rf-relu' ? (state.psi2 as number) : 1 }],
    // A y range per target, so moving a slider moves the curve, not the axis.
    ymax: Math.max(0.1, 2.5 * ((state.signal as number) ** 2 + (state.noise as number) ** 2)),
    xmax: state.curve === 'rf-relu' ? 100 : 10,
  });
  const chart = liveChart('theory', spec);
  shell.figures.append(chart.element);
  const draw = () => {
    const t0 = performance.now();
    const rows = theoryRows(state);
    const { curve, threshold, ymax, xmax } = figure(rows);
    void chart.update({ curve, threshold }, { ymax, xmax }).then(() => {
      publish({ state: { ...state }, rows, seconds: (performance.now() - t0) / 1000 });
      shell.status.set('done', `${rows.length} values in ${(performance.now() - t0).toFixed(0)} ms`);
    });
    writeState(THEORY_FIELDS, state);
  };
  shell.controls.append(controls(THEORY_FIELDS, state, draw));
  draw();
}
