// Figures of the polynomial presets, as Vega-Lite specs (isomorphic, like rff-figure.ts):
//  - polynomial-fits: three panels side by side, as in Bishop's PRML Fig. 1.4 — the noisy samples,
//    the true function and the fit of an under-fitting, a well-chosen and an interpolating degree;
//  - polynomial: train and test loss against the degree on a log scale, with the classical sweet
//    spot, the interpolation threshold p + 1 = n and the best degree beyond it marked; under it the
//    bias–variance decomposition over independent training sets.
import type { Config, PresetResult, Row } from '../experiments/preset.js';
import { effectiveColumn } from './effective-figure.js';
import { SCHEMA, STYLE as BASE_STYLE, type FigureBuilder, type VegaLiteSpec } from './figure-style.js';

type PanelSpec = Extract<VegaLiteSpec, { vconcat: unknown }>['vconcat'][number];

const STYLE = {
  ...BASE_STYLE,
  axis: { ...BASE_STYLE.axis, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555' },
};
// Bishop's colours: green truth, red fit, blue samples.
const TRUTH = '#2ca02c';
const FIT = '#d62728';
const SAMPLE = '#1f77b4';

// Log-axis labels as powers of ten, 10⁻⁴ … 10⁸ (plain numbers from 0.01 to 100).
const SUPERSCRIPT: Record<string, string> = Object.fromEntries(
  Array.from({ length: 121 }, (_, i) => i - 60).map((e) => [
    String(e),
    String(e).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]),
  ]),
);
const POWER_OF_TEN_LABEL =
  `datum.value >= 0.01 && datum.value <= 100 ? format(datum.value, '~g') : ` +
  `'10' + ${JSON.stringify(SUPERSCRIPT)}[toString(round(log(datum.value) / LN10))]`;

const power = (e: number) => SUPERSCRIPT[String(e)] ?? `^${e}`;
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const fmt = (x: number) => (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(1) : x.toPrecision(3));

function targetName(config: Config): string {
  if (config.target === 'polynomial') {
    const c = Array.isArray(config.coefficients) ? config.coefficients.length - 1 : 0;
    return `a polynomial of degree ${c}`;
  }
  if (config.target === 'fourier') return 'a random Fourier series';
  return 'sin(2πx)';
}

// ——— polynomial-fits ————————————————————————————————————————————————————————————————

const FIT_FIELDS = ['fitLow', 'fitGood', 'fitInterp'] as const;
const ROLES = ['under-fitting', 'well-chosen', 'interpolating'];

export function polynomialFitsSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const rows = result.points;
  const degrees = (Array.isArray(config.degrees) ? config.degrees : [1, 3, 9]) as number[];
  const fits = (Array.isArray(result.summary.fits) ? result.summary.fits : []) as {
    trainLoss: number;
    testLoss: number;
  }[];
  // The y range: the truth and the samples with a margin; the wild fits are clipped to it, as in
  // every textbook version of this figure.
  const ys = rows.flatMap((r) => [r.truth, ...(r.sample === 1 ? [r.y] : [])]).filter(Number.isFinite);
  const [yMin, yMax] = [Math.min(...ys), Math.max(...ys)];
  const pad = 0.3 * (yMax - yMin || 1);
  const yDomain = [yMin - pad, yMax + pad];
  const interval = (Array.isArray(config.interval) ? config.interval : [0, 1]) as number[];
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: 'x',
    scale: { domain: interval, nice: false },
  };
  const panel = (k: number): PanelSpec => {
    const f = fits[k];
    return {
      width: 250,
      height: 210,
      title: {
        text: `degree ${degrees[k]} (${ROLES[k]})`,
        subtitle: f ? `train loss ${fmt(f.trainLoss)}, test loss ${fmt(f.testLoss)}` : '',
        fontSize: 13,
      },
      layer: [
        {
          transform: [{ filter: 'datum.sample === 0' }],
          mark: { type: 'line', color: TRUTH, strokeWidth: 2, clip: true },
          encoding: {
            x,
            y: {
              field: 'truth',
              type: 'quantitative',
              title: k === 0 ? 'y' : null,
              scale: { domain: yDomain, nice: false },
            },
          },
        },
        {
          transform: [{ filter: 'datum.sample === 0' }],
          mark: { type: 'line', color: FIT, strokeWidth: 2, clip: true },
          encoding: { x, y: { field: FIT_FIELDS[k], type: 'quantitative' } },
        },
        {
          transform: [{ filter: 'datum.sample === 1' }],
          mark: { type: 'point', shape: 'circle', filled: false, color: SAMPLE, size: 55, strokeWidth: 1.8 },
          encoding: { x, y: { field: 'y', type: 'quantitative' } },
        },
      ],
    };
  };
  const n = num(config.n, rows.filter((r) => r.sample === 1).length);
  return {
    $schema: SCHEMA,
    title: {
      text: `Polynomial fits to n = ${n} noisy samples of ${targetName(config)}, σ = ${num(config.noise, 0)}`,
      subtitle: 'green: the true function · red: the fitted polynomial · circles: the training samples',
    },
    data: { values: rows.map((r) => ({ ...r })) },
    hconcat: [0, 1, 2].map(panel),
    spacing: 18,
    config: STYLE,
  } as VegaLiteSpec;
}

// ——— polynomial ———————————————————————————————————————————————————————————————————

interface Marker {
  degree: number;
  loss: number;
  label: string;
}

/** The summary's landmarks, recomputed from the rows so that aggregated rows (sweeps) work too. */
export function polynomialMarkers(points: Row[], n: number): Marker[] {
  const argmin = (rows: Row[]) => rows.reduce((a, b) => (b.testLoss < a.testLoss ? b : a));
  const below = points.filter((p) => p.features < n);
  const above = points.filter((p) => p.features > n);
  const at = points.find((p) => p.features === n);
  const out: Marker[] = [];
  if (below.length) {
    const p = argmin(below);
    out.push({ degree: p.degree, loss: p.testLoss, label: `sweet spot p = ${p.degree}` });
  }
  if (at) out.push({ degree: at.degree, loss: at.testLoss, label: `p + 1 = n: ${fmt(at.testLoss)}` });
  if (above.length) {
    const p = argmin(above);
    out.push({ degree: p.degree, loss: p.testLoss, label: `best beyond p = ${p.degree}` });
  }
  return out;
}

const COMPONENTS: { field: string; label: string; color: string; dash?: number[] }[] = [
  { field: 'bias2', label: 'bias²', color: '#4c78a8' },
  { field: 'variance', label: 'variance', color: '#f58518' },
  { field: 'noise', label: 'noise σ²', color: '#999999', dash: [2, 3] },
  { field: 'biasVarianceSum', label: 'bias² + variance + noise', color: '#222222' },
  // The standard error of the bias² estimate is of the order of variance/R: below it, bias² is noise.
  { field: 'bias2Resolution', label: 'variance / R: bias² resolution', color: '#9ecae1', dash: [4, 3] },
];
const MEASURED = 'measured test loss';

export function polynomialSpec(config: Config, result: PresetResult): VegaLiteSpec {
  const points = result.points;
  const n = num(config.n, 0);
  const threshold = n - 1;
  const maxDegree = Math.max(...points.map((p) => p.degree));
  const markers = polynomialMarkers(points, n);
  const hasDecomposition = points.length > 0 && 'bias2' in points[0];
  const draws = num(config.draws, 0);

  // Train loss is 0 to rounding (10⁻²⁰…10⁻³⁰) beyond the threshold: clamp it to the panel's floor,
  // set a decade below the smallest loss worth showing, so the curve lies on the bottom edge.
  const positive = points
    .flatMap((p) => [p.testLoss, ...(p.features < n ? [p.trainLoss] : [])])
    .filter((v) => v > 0);
  const floor = Math.pow(10, Math.floor(Math.log10(Math.min(...positive))) - 1);
  const top = Math.pow(10, Math.ceil(Math.log10(Math.max(...points.map((p) => p.testLoss)))));
  const x = (title: string | null) => ({
    field: 'degree',
    type: 'quantitative' as const,
    title,
    // A square-root axis: room for the classical regime (p < n) without losing the long tail.
    scale: { type: 'sqrt' as const, domain: [0, maxDegree], nice: false },
    axis: { values: degreeTicks(maxDegree, threshold) },
  });
  const thresholdRule = {
    data: { values: [{ degree: threshold }] },
    mark: { type: 'rule' as const, strokeDash: [5, 4], color: '#555' },
    encoding: { x: { field: 'degree', type: 'quantitative' as const } },
  };
  const logY = (title: string, domain?: number[]) => ({
    type: 'quantitative' as const,
    title,
    scale: { type: 'log' as const, ...(domain ? { domain, clamp: true, nice: false } : {}) },
    axis: { labelExpr: POWER_OF_TEN_LABEL, tickCount: 8 },
  });

  // Rows aggregated over seeds (sweeps) carry the median as the plain key and the quartiles as
  // `<key>_q1`/`<key>_q3`: then the test loss gets its interquartile band.
  const banded = points.length > 0 && 'testLoss_q1' in points[0];
  const lossPanel: PanelSpec = {
    width: 620,
    height: 230,
    layer: [
      ...(banded
        ? [
            {
              mark: { type: 'area' as const, opacity: 0.2, color: '#e45756', clip: true },
              encoding: {
                x: x(null),
                y: { field: 'testLoss_q1', type: 'quantitative' as const },
                y2: { field: 'testLoss_q3' },
              },
            },
          ]
        : []),
      {
        transform: [
          { fold: ['trainLoss', 'testLoss'], as: ['curve', 'loss'] },
          { calculate: "datum.curve === 'trainLoss' ? 'train loss' : 'test loss'", as: 'curve' },
        ],
        mark: { type: 'line', point: { size: 14 }, clip: true },
        encoding: {
          x: x(hasDecomposition ? null : 'polynomial degree p'),
          y: {
            field: 'loss',
            ...logY(banded ? 'squared loss (median, IQR over seeds)' : 'squared loss (one training set)', [
              floor,
              top,
            ]),
          },
          color: {
            field: 'curve',
            type: 'nominal',
            title: null,
            scale: { domain: ['train loss', 'test loss'], range: ['#4c78a8', '#e45756'] },
            legend: { orient: 'top-right', fillColor: 'white' },
          },
        },
      },
      thresholdRule,
      {
        data: { values: markers },
        mark: { type: 'point', shape: 'circle', size: 140, filled: false, color: 'black', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'degree', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
        },
      },
      ...(['left', 'right'] as const).map((align) => ({
        // Labels left of their marker in the right half of the plot, so they stay inside it.
        data: { values: markers.filter((m) => m.degree > maxDegree / 2 === (align === 'right')) },
        mark: { type: 'text' as const, dy: -14, dx: align === 'left' ? 6 : -6, fontSize: 11, align },
        encoding: {
          x: { field: 'degree', type: 'quantitative' as const },
          y: { field: 'loss', type: 'quantitative' as const },
          text: { field: 'label' },
        },
      })),
      {
        data: { values: [{ degree: threshold + 2, loss: floor }] },
        mark: { type: 'text', dy: -8, align: 'left', fontSize: 11, color: '#4c78a8' },
        encoding: {
          x: { field: 'degree', type: 'quantitative' },
          y: { field: 'loss', type: 'quantitative' },
          text: { value: 'train loss 0: the fits interpolate' },
        },
      },
    ],
  };

  const panels: PanelSpec[] = [lossPanel];
  if (hasDecomposition) {
    const labels = COMPONENTS.map((c) => c.label);
    const colors = COMPONENTS.map((c) => c.color);
    panels.push({
      width: 620,
      height: 230,
      layer: [
        {
          transform: [
            { calculate: `datum.variance / ${Math.max(draws, 1)}`, as: 'bias2Resolution' },
            { fold: COMPONENTS.map((c) => c.field), as: ['component', 'value'] },
            {
              calculate: `{${COMPONENTS.map((c) => `'${c.field}': '${c.label}'`).join(', ')}}[datum.component]`,
              as: 'component',
            },
            // A log axis cannot show them: estimated bias² ≤ 0 (where the bias is ≈ 0) breaks the line.
            { calculate: 'datum.value > 0 ? datum.value : null', as: 'value' },
          ],
          mark: { type: 'line', clip: true, strokeWidth: 2, invalid: 'break-paths-filter-domains' },
          encoding: {
            x: x('polynomial degree p'),
            y: { field: 'value', ...logY(`expected loss over ${draws} training sets`) },
            color: {
              field: 'component',
              type: 'nominal',
              title: null,
              scale: { domain: labels, range: colors },
              // In the corner the tail beyond the peak leaves empty (right of p ≈ 1.5 n).
              legend: { ...legendAt(0, maxDegree, n), symbolType: 'stroke' },
            },
            // Same field, same legend: vega-lite merges the two, so the legend shows the dashes.
            strokeDash: {
              field: 'component',
              type: 'nominal',
              scale: { domain: labels, range: COMPONENTS.map((c) => c.dash ?? [1, 0]) },
              legend: { ...legendAt(0, maxDegree, n), symbolType: 'stroke' },
            },
          },
        },
        {
          transform: [{ calculate: `'${MEASURED}'`, as: 'measured' }],
          mark: { type: 'point', filled: false, size: 22, color: '#222', clip: true },
          encoding: {
            x: x('polynomial degree p'),
            y: { field: 'meanTestLoss', type: 'quantitative' },
            shape: {
              field: 'measured',
              type: 'nominal',
              title: null,
              scale: { domain: [MEASURED], range: ['circle'] },
              legend: legendAt(COMPONENTS.length, maxDegree, n),
            },
          },
        },
        thresholdRule,
      ],
    });
  }

  const ridge = num(config.ridge, 0);
  const decay = num(config.decay, 0);
  const raw = {
    vconcat: panels,
    resolve: {
      scale: { x: 'shared', color: 'independent', shape: 'independent', strokeDash: 'independent' },
      legend: { color: 'independent', shape: 'independent', strokeDash: 'independent' },
    },
    bounds: 'flush',
    spacing: 28,
  } as const;
  const hasEffective = points.length > 0 && points.every((p) => Number.isFinite(p.effectiveTest));
  return {
    $schema: SCHEMA,
    // Short lines: headless vega sizes the canvas by an estimate of 0.8 em per character.
    title: {
      text: 'Double descent in polynomial regression',
      subtitle: [
        `n = ${n} noisy samples of ${targetName(config)}, σ = ${num(config.noise, 0)}; ` +
          `Legendre basis${decay ? `, weights (1 + j)${power(-decay)}` : ''}`,
        (ridge ? `ridge λ = ${ridge}` : 'least squares for p + 1 < n, minimum norm beyond') +
          `; dashed: p + 1 = n (p = ${threshold})`,
      ],
    },
    data: { values: points.map((p) => ({ ...p })) },
    ...(hasEffective
      ? {
          // With effective parameters (Curth et al. 2023), the losses against them, to the right.
          hconcat: [
            raw,
            effectiveColumn({
              sizeField: 'features',
              sizeTitle: 'features p + 1',
              threshold: n,
              lossTitle: 'test loss (MSE)',
              width: 300,
            }),
          ],
          spacing: 48,
        }
      : raw),
    config: STYLE,
  } as VegaLiteSpec;
}

export const polynomialFigures: Record<string, FigureBuilder> = {
  'polynomial-fits': polynomialFitsSpec,
  polynomial: polynomialSpec,
};

/** A legend inside the 620-px decomposition panel, `row` entries down, right of the peak. */
function legendAt(row: number, maxDegree: number, n: number) {
  const left = Math.min(0.55, Math.sqrt(Math.min(1.5 * n, maxDegree) / Math.max(maxDegree, 1)));
  return {
    orient: 'none' as const,
    legendX: Math.round(620 * left) + 10,
    legendY: 6 + 15 * row,
    fillColor: 'white',
    labelLimit: 400,
    padding: 3,
  };
}

/** Axis values for the degree: 0, the threshold, and round numbers that do not crowd it. */
function degreeTicks(maxDegree: number, threshold: number): number[] {
  const step = maxDegree > 200 ? 50 : maxDegree > 60 ? 20 : maxDegree > 20 ? 10 : 5;
  const ticks = [0, 1, 2, 5];
  for (let d = 10; d <= maxDegree; d += d < step ? 10 : step) ticks.push(d);
  const sqrtGap = (a: number, b: number) => Math.abs(Math.sqrt(a) - Math.sqrt(b));
  const keep = ticks.filter(
    (t) => t <= maxDegree && (t === 0 || sqrtGap(t, threshold) > 0.06 * Math.sqrt(maxDegree)),
  );
  return [...new Set([...keep, threshold])].sort((a, b) => a - b);
}
