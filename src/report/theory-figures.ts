// Figures of the theory presets: the empirical median over seeds (points) with its interquartile
// range (band), and the closed-form curve on top, against the model-size ratio on a log axis with
// the interpolation threshold marked. Pure data → Vega-Lite spec (isomorphic), styled by
// figure-style.ts.
import type { Config, PresetResult, Row } from '../experiments/preset.js';
import { logSpace } from '../theory/curves.js';
import { finiteRidgelessRisk, optimalRidgeLambda, ridgeRisk } from '../theory/isotropic-least-squares.js';
import { randomFeaturesRisk } from '../theory/random-features-relu.js';
import {
  SCHEMA,
  SIZE_SCALE,
  STYLE as BASE_STYLE,
  type FigureBuilder,
  type VegaLiteSpec,
} from './figure-style.js';

type LayerSpec = Extract<VegaLiteSpec, { layer: unknown }>['layer'][number];

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];
const STYLE = {
  ...BASE_STYLE,
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
};

/** Theory values above the plotted range are dropped (the curves diverge at the threshold). */
function capOf(rows: Row[]): number {
  return 1.6 * Math.max(...rows.map((r) => r.riskQ3));
}

/** Log scales need every plotted value > 0 (σ = 0 gives a zero ridgeless risk below γ = 1). */
function yScale(values: number[]): { type: 'log' } | { type: 'symlog'; constant: number } {
  const positive = values.filter((v) => v > 0);
  if (positive.length === values.length) return { type: 'log' };
  return { type: 'symlog', constant: positive.length ? Math.min(...positive) : 1e-3 };
}

interface CurveFigure {
  x: { field: string; title: string };
  y: { title: string };
  /** A dotted vertical rule (the interpolation threshold), if any. */
  threshold?: { value: number; label: string };
  /** The field of the measured points: the median (default) or the mean over seeds. */
  pointField?: string;
  /** A linear risk axis instead of the log one (curves whose features span less than a decade). */
  linearY?: boolean;
  /** Where the legend goes (default top-left). */
  legend?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  title: string;
  subtitle: string[];
  /** Empirical rows with a `series` label. */
  rows: Record<string, number | string>[];
  /** Dense theory lines: { x field, risk, series, branch, style: 'solid' | 'dashed' }. */
  theory: Record<string, number | string>[];
  series: string[];
}

function curveSpec(f: CurveFigure): VegaLiteSpec {
  const x = {
    field: f.x.field,
    type: 'quantitative' as const,
    scale: SIZE_SCALE,
    title: f.x.title,
  };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: f.series, range: PALETTE.slice(0, f.series.length) },
    legend: {
      orient: f.legend ?? ('top-left' as const),
      symbolType: 'stroke',
      symbolStrokeWidth: 2.5,
      symbolOpacity: 1,
      fillColor: 'white',
      padding: 6,
    },
  };
  const yValues = [
    ...f.rows.flatMap((r) => [
      r.riskQ1 as number,
      r.riskQ3 as number,
      r[f.pointField ?? 'riskMedian'] as number,
    ]),
    ...f.theory.map((t) => t.risk as number),
  ];
  const scale = f.linearY ? { type: 'linear' as const, zero: true } : yScale(yValues);
  const layers: LayerSpec[] = [
    {
      mark: { type: 'area', opacity: 0.18, clip: true },
      encoding: {
        x,
        y: { field: 'riskQ1', type: 'quantitative', scale, title: f.y.title, axis: { format: '~g' } },
        y2: { field: 'riskQ3' },
        color,
      },
    },
    {
      data: { values: f.theory },
      mark: { type: 'line', clip: true, strokeWidth: 1.8 },
      encoding: {
        x,
        y: { field: 'risk', type: 'quantitative', scale },
        color,
        detail: { field: 'branch' },
        strokeDash: {
          field: 'style',
          type: 'nominal',
          scale: {
            domain: ['solid', 'dashed'],
            range: [
              [1, 0],
              [5, 3],
            ],
          },
          legend: null,
        },
      },
    },
    {
      mark: {
        type: 'point',
        filled: true,
        size: 34,
        opacity: 1,
        stroke: 'white',
        strokeWidth: 0.6,
        clip: true,
      },
      encoding: {
        x,
        y: { field: f.pointField ?? 'riskMedian', type: 'quantitative', scale },
        color,
      },
    },
  ];
  if (f.threshold) {
    layers.push({
      // Own one-row data, else the rule would be drawn once per point.
      data: { values: [{ threshold: f.threshold.value }] },
      mark: { type: 'rule', strokeDash: [2, 3], color: '#555' },
      encoding: { x: { field: 'threshold', type: 'quantitative' } },
    });
  }
  return {
    $schema: SCHEMA,
    title: { text: f.title, subtitle: f.subtitle },
    width: 600,
    height: 340,
    // Copies: vega tags ingested rows in place, and the caller's points must stay clean.
    data: { values: f.rows.map((r) => ({ ...r })) },
    layer: layers,
    config: STYLE,
  };
}

const num = (config: Config, key: string): number => {
  const v = config[key];
  if (typeof v !== 'number')
    throw new Error(`figure: config.${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
};

function ridgeLabel(setting: unknown): string {
  if (setting === 'optimal') return 'optimal ridge λ* = σ²γ/r²';
  if (setting === 0) return 'min-norm least squares (λ = 0)';
  return `ridge λ = ${setting}`;
}

/** A log grid over [lo, hi] on either side of the threshold t, crowded towards t. */
function denseGrid(lo: number, hi: number, t: number, count = 400): number[] {
  const grid = logSpace(lo, hi, count);
  for (let k = 1; k <= 60; k++) {
    const e = Math.pow(10, -k / 12); // 1 … 10⁻⁵ relative distance
    grid.push(t * (1 - e * 0.5), t * (1 + e));
  }
  return [...new Set(grid.filter((g) => g >= lo && g <= hi && g !== t))].sort((a, b) => a - b);
}

export function linearGaussianFigureSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const n = num(config, 'n');
  const target = { r: num(config, 'signal'), sigma: num(config, 'noise') };
  const ridges = config.ridges as (number | 'optimal')[];
  const seeds = num(config, 'seeds');
  const rows = result.points.map((p) => ({
    ...p,
    series: ridgeLabel(p.optimalRidge === 1 ? 'optimal' : p.lambda),
  }));
  const cap = capOf(result.points);
  const gammas = result.points.map((p) => p.gamma);
  const lo = Math.min(...gammas) / 1.05;
  const hi = Math.max(...gammas) * 1.05;
  const theory: Record<string, number | string>[] = [];
  for (const setting of ridges) {
    const series = ridgeLabel(setting);
    for (const gamma of denseGrid(lo, hi, 1)) {
      const lambda = setting === 'optimal' ? optimalRidgeLambda(gamma, target) : setting;
      const risk = ridgeRisk(gamma, lambda, target);
      if (Number.isFinite(risk) && risk <= cap) {
        theory.push({
          gamma,
          risk,
          series,
          branch: `${series} ${gamma < 1 ? 'below' : 'above'}`,
          style: 'solid',
        });
      }
    }
    if (setting === 0) {
      // The exact finite-n expectation, at every integer p in range.
      const pLo = Math.max(1, Math.ceil(lo * n));
      const pHi = Math.floor(hi * n);
      const step = Math.max(1, Math.floor((pHi - pLo) / 800));
      for (let p = pLo; p <= pHi; p += step) {
        if (Math.abs(p - n) <= 1) continue;
        const risk = finiteRidgelessRisk(p, n, target);
        if (risk <= cap) {
          theory.push({
            gamma: p / n,
            risk,
            series,
            branch: `finite ${p < n ? 'below' : 'above'}`,
            style: 'dashed',
          });
        }
      }
    }
  }
  const hasRidgeless = ridges.includes(0);
  return curveSpec({
    x: { field: 'gamma', title: 'γ = p/n (parameters per training point)' },
    y: { title: 'excess test risk ‖β̂ − β‖²' },
    threshold: { value: 1, label: 'γ = 1' },
    title: `Linear regression, x ~ N(0, I_p): n = ${n}, ‖β‖ = ${target.r}, σ = ${target.sigma}`,
    subtitle: [
      `points: median over ${seeds} seeds; band: interquartile range`,
      'solid: theory, n → ∞ (Hastie et al. 2019)' + (hasRidgeless ? '; dashed: exact at this n' : ''),
      'dotted: interpolation threshold γ = 1',
    ],
    rows,
    theory,
    series: ridges.map(ridgeLabel),
  });
}

export function rfReluGaussianFigureSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const d = num(config, 'd');
  const n = num(config, 'n');
  const seeds = num(config, 'seeds');
  const target = { signal: num(config, 'signal'), noise: num(config, 'noise') };
  const psi2 = n / d;
  const MEASURED = `median over ${seeds} seeds (band: IQR)`;
  const THEORY = 'Mei & Montanari 2019, d → ∞';
  const rows = result.points.map((p) => ({ ...p, series: MEASURED }));
  const cap = capOf(result.points);
  const psis = result.points.map((p) => p.psi1);
  const theory: Record<string, number | string>[] = [];
  for (const psi1 of denseGrid(Math.min(...psis) / 1.05, Math.max(...psis) * 1.05, psi2)) {
    const risk = randomFeaturesRisk(psi1, psi2, target).risk;
    if (Number.isFinite(risk) && risk <= cap) {
      theory.push({ psi1, risk, series: THEORY, branch: psi1 < psi2 ? 'below' : 'above', style: 'solid' });
    }
  }
  return curveSpec({
    x: { field: 'psi1', title: 'ψ1 = N/d (random features per input dimension)' },
    y: { title: 'excess test risk E(f̂(x) − ⟨β, x⟩)²' },
    threshold: { value: psi2, label: 'N = n' },
    title: `Random ReLU features, x ~ N(0, I_d): d = ${d}, n = ${n}, ‖β‖ = ${target.signal}, τ = ${target.noise}`,
    subtitle: [
      `least squares (N < n), min-norm interpolation (N > n); ψ2 = n/d = ${Number(psi2.toPrecision(4))}`,
      `risk on ${config.nTest} fresh test points; dotted: threshold N = n`,
    ],
    rows,
    theory,
    series: [MEASURED, THEORY],
  });
}

/** The epoch-wise curves of gradient descent on two-scale features, one step size and per group. */
export function epochwiseLinearFigureSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const draws = num(config, 'draws');
  const kappa = num(config, 'kappa');
  const factor = num(config, 'slowLrFactor');
  const names = [
    `one step size η = ${num(config, 'lr')}/λ_max`,
    `per-group steps: slow × ${Number(factor.toPrecision(4))}`,
  ];
  const rows = result.points.map((p) => ({ ...p, series: names[p.remedy] }));
  const theory = result.points.map((p) => ({
    steps: p.steps,
    risk: p.theory,
    series: names[p.remedy],
    branch: names[p.remedy],
    style: 'solid',
  }));
  return curveSpec({
    x: { field: 'steps', title: 'gradient-descent steps k' },
    y: { title: 'excess test risk ‖S(w − β)‖²' },
    pointField: 'riskMean',
    linearY: true,
    legend: 'top-right',
    title: `Epoch-wise double descent, linear: n = ${num(config, 'n')}, ${num(config, 'fast')} fast features (scale 1), ${num(config, 'slow')} slow (scale 1/${kappa}), σ = ${num(config, 'noise')}`,
    subtitle: [
      `points: mean over ${draws} draws of teacher and noise on one design; band: interquartile range`,
      'lines: exact expected risk of that design after k steps, from its eigenvalues λ and (1 − ηλ)ᵏ',
    ],
    rows,
    theory,
    series: names,
  });
}

/** Min-norm least squares at fixed p against the number of training points n. */
export function samplewiseLinearFigureSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const p = num(config, 'p');
  const seeds = num(config, 'seeds');
  const target = { r: num(config, 'signal'), sigma: num(config, 'noise') };
  const MEASURED = `mean over ${seeds} seeds (band: IQR)`;
  const THEORY = 'exact expectation at this p and n';
  const rows = result.points.map((r) => ({ ...r, series: MEASURED }));
  const cap = 1.6 * Math.max(...result.points.map((r) => Math.max(r.riskQ3, r.riskMean)));
  const ns = result.points.map((r) => r.n);
  const theory: Record<string, number | string>[] = [];
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  const step = Math.max(1, Math.floor((hi - lo) / 800));
  for (let n = lo; n <= hi; n += step) {
    if (Math.abs(n - p) <= 1) continue;
    const risk = finiteRidgelessRisk(p, n, target);
    if (risk <= cap)
      theory.push({ n, risk, series: THEORY, branch: n < p ? 'below' : 'above', style: 'solid' });
  }
  return curveSpec({
    x: { field: 'n', title: 'training points n' },
    y: { title: 'excess test risk ‖β̂ − β‖²' },
    threshold: { value: p, label: 'n = p' },
    pointField: 'riskMean',
    title: `More data can hurt: min-norm least squares, x ~ N(0, I_p), p = ${p}, ‖β‖ = ${target.r}, σ = ${target.sigma}`,
    subtitle: [
      'minimum-norm interpolant for n < p, least squares for n > p (Nakkiran 2019)',
      'line: r²(1 − n/p) + σ²n/(p − n − 1) below p, σ²p/(n − p − 1) above; dotted: n = p',
    ],
    rows,
    theory,
    series: [MEASURED, THEORY],
  });
}

/** One figure builder per theory preset, by preset name (merged into figures.ts's registry). */
export const theoryFigures: Record<string, FigureBuilder> = {
  'linear-gaussian': linearGaussianFigureSpec,
  'rf-relu-gaussian': rfReluGaussianFigureSpec,
  'epochwise-linear': epochwiseLinearFigureSpec,
  'samplewise-linear': samplewiseLinearFigureSpec,
};
