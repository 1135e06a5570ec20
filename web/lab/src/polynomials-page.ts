// Polynomials: n noisy samples of a 1-D target, least-squares / minimum-norm polynomial fits of every
// degree 0 … maxDegree (the polynomial preset's code, in the worker). Every change recomputes the
// fits, the U-curve below the threshold p + 1 = n, the second descent past it and the bias²/variance
// split over independently drawn training sets.
import type { TopLevelSpec } from 'vega-lite';
import { TARGETS } from '../../../src/data/regression-1d';
import { ComputeClient, type Outcome } from './compute-client';
import type { Row, Task } from './compute-protocol';
import { liveChart } from './chart';
import { controls } from './controls';
import { publish } from './lab-window';
import { pageShell, showProblems } from './page-shell';
import { readState, writeState, type Field, type State } from './url-state';

export const POLYNOMIAL_FIELDS: Field[] = [
  { kind: 'number', key: 'n', label: 'samples n', default: 20, min: 4, max: 60, step: 1 },
  { kind: 'number', key: 'noise', label: 'noise σ', default: 0.2, min: 0, max: 1, step: 0.01 },
  { kind: 'number', key: 'degree', label: 'fitted degree', default: 3, min: 1, max: 150, step: 1 },
  { kind: 'choice', key: 'target', label: 'target', default: 'sin', choices: TARGETS },
  { kind: 'number', key: 'maxDegree', label: 'degrees up to', default: 60, min: 5, max: 150, step: 1 },
  {
    kind: 'number',
    key: 'draws',
    label: 'training sets (bias/variance)',
    default: 20,
    min: 0,
    max: 100,
    step: 1,
  },
  { kind: 'number', key: 'seed', label: 'seed', default: 1, min: 1, max: 1000, step: 1 },
];

/** The worker's task for a state: the polynomial preset's config (its defaults elsewhere). */
export function polynomialTask(s: State): Task {
  const n = s.n as number;
  const degree = s.degree as number;
  return {
    kind: 'polynomial',
    config: {
      n,
      noise: s.noise as number,
      target: s.target as 'sin',
      maxDegree: s.maxDegree as number,
      // bias–variance needs 0 or ≥ 2 draws (1 draw has no variance).
      draws: (s.draws as number) === 1 ? 2 : (s.draws as number),
      seed: s.seed as number,
      nTest: 200,
      effectiveParameters: false,
    },
    // The fits shown: degree 1, the chosen degree, and one that interpolates the n samples.
    fitDegrees: [1, Math.max(2, degree), Math.max(n - 1, degree + 1, 3)] as [number, number, number],
  };
}

// Interpolating fits reach train losses of 1e-30 (rounding): the axis stops at 1e-4, so the test
// curve keeps its room.
const lossAxis = { type: 'quantitative', scale: { type: 'log', domainMin: 1e-4 }, title: 'loss' } as const;

function lossSpec(data: Record<string, object[]>): TopLevelSpec {
  return {
    width: 420,
    height: 300,
    title: 'train and test loss against degree',
    datasets: data,
    layer: [
      {
        data: { name: 'losses' },
        mark: { type: 'line', point: { size: 12 }, clip: true },
        encoding: {
          x: { field: 'degree', type: 'quantitative', title: 'degree p' },
          y: { field: 'value', ...lossAxis },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
      {
        data: { name: 'marks' },
        mark: { type: 'rule', strokeDash: [6, 4] },
        encoding: {
          x: { field: 'degree', type: 'quantitative' },
          color: {
            field: 'what',
            type: 'nominal',
            scale: { domain: ['threshold p + 1 = n', 'fitted degree'], range: ['#444', '#2ca02c'] },
            legend: null,
          },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

function biasVarianceSpec(data: Record<string, object[]>): TopLevelSpec {
  const spec = lossSpec(data) as { title: string; layer: { data: { name: string } }[] };
  spec.title = 'bias², variance and expected test loss over training sets';
  spec.layer[0].data.name = 'split';
  return spec as unknown as TopLevelSpec;
}

function fitsSpec(data: Record<string, object[]>): TopLevelSpec {
  return {
    width: 380,
    height: 300,
    title: 'samples and fits',
    datasets: data,
    layer: [
      {
        data: { name: 'curves' },
        mark: { type: 'line', clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y: { field: 'y', type: 'quantitative', scale: { domain: [-2, 2] } },
          color: { field: 'series', type: 'nominal', title: null },
        },
      },
      {
        data: { name: 'samples' },
        mark: { type: 'point', filled: true, color: 'black', size: 30 },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Long rows for a multi-series plot: one per (row, column) with a finite value, and > 0 for a log
 * axis (an unbiased bias² estimate can dip below 0 where the bias is tiny: not drawn).
 */
function long(rows: Row[], columns: Record<string, string>, x = 'degree', log = true): object[] {
  return rows.flatMap((r) =>
    Object.entries(columns)
      .filter(([c]) => Number.isFinite(r[c]) && (!log || r[c] > 0))
      .map(([c, series]) => ({ [x]: r[x], value: r[c], series })),
  );
}

export function startPolynomialsPage(): void {
  const shell = pageShell(
    'Polynomials',
    'n noisy samples of a target on [0, 1]; polynomial fits of every degree in the Legendre basis. Below the threshold p + 1 = n (dashed) each degree is the least-squares fit: the classical U-curve. At it the fit interpolates and its variance explodes; beyond it the minimum-norm interpolant (weights (1 + j)⁻¹) descends again. Computed in your browser by ddlab’s polynomial preset on onnxruntime-web.',
  );
  const { state, problems } = readState(POLYNOMIAL_FIELDS, location.search);
  showProblems(shell, problems);
  const fits = liveChart('fits', fitsSpec);
  const losses = liveChart('losses', lossSpec);
  const split = liveChart('bias-variance', biasVarianceSpec);
  shell.figures.append(fits.element, losses.element, split.element);
  const client = new ComputeClient();
  shell.status.onCancel(() => client.cancel());

  // Two passes per change: the fits and the loss curve of the one training set first (a few tens of
  // milliseconds of solves), then the bias–variance split over `draws` training sets (each one a
  // whole curve again), so a slider drag shows the curves at once and the split follows.
  const compute = async () => {
    writeState(POLYNOMIAL_FIELDS, state);
    const full = polynomialTask(state) as Extract<Task, { kind: 'polynomial' }>;
    const draws = full.config.draws ?? 0;
    const first = { ...full, config: { ...full.config, draws: 0 } };
    shell.status.set('computing', 'fitting…');
    const t0 = performance.now();
    const outcome = await client.run(first);
    if (!settled(outcome)) return;
    const { points, fits: fitRows = [], summary } = outcome.result;
    const n = state.n as number;
    const marks = [
      { degree: n - 1, what: 'threshold p + 1 = n' },
      { degree: state.degree, what: 'fitted degree' },
    ];
    const [d1, d2, d3] = full.fitDegrees;
    const grid = fitRows.filter((r) => r.sample === 0);
    const fitColumns = {
      truth: 'truth',
      fitLow: `degree ${d1}`,
      fitGood: `degree ${d2}`,
      fitInterp: `degree ${d3}`,
    };
    await Promise.all([
      fits.update({
        curves: long(grid, fitColumns, 'x', false).map((r) => ({ ...r, y: (r as { value: number }).value })),
        samples: fitRows.filter((r) => r.sample === 1).map((r) => ({ x: r.x, y: r.y })),
      }),
      losses.update({ losses: long(points, { trainLoss: 'train', testLoss: 'test' }), marks }),
    ]);
    const curveSeconds = (performance.now() - t0) / 1000;
    shell.notes.replaceChildren(summaryTable(summary as PolynomialSummaryLike));
    split.element.hidden = draws === 0;
    let rows = points;
    let config = outcome.result.config;
    let fullSummary = summary;
    if (draws > 0) {
      shell.status.set('computing', `bias²/variance over ${draws} training sets…`);
      const second = await client.run(full, { onProgress: (d, t) => shell.status.progress(d, t) });
      if (!settled(second)) return;
      rows = second.result.points;
      config = second.result.config;
      fullSummary = second.result.summary;
      await split.update({
        split: long(rows, { bias2: 'bias²', variance: 'variance', expectedTestLoss: 'expected test loss' }),
        marks,
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    publish({
      state: { ...state },
      rows,
      summary: fullSummary,
      seconds,
      curveSeconds,
      config,
      threads: outcome.result.threads,
    });
    shell.status.set(
      'done',
      `${points.length} degrees in ${(curveSeconds * 1000).toFixed(0)} ms` +
        (draws ? `; bias²/variance over ${draws} training sets in ${(seconds * 1000).toFixed(0)} ms` : ''),
    );
  };
  /** True when the run finished; shows a cancel or an error otherwise. */
  const settled = (o: Outcome): o is Extract<Outcome, { status: 'done' }> => {
    if (o.status === 'cancelled' && !client.busy) shell.status.set('cancelled', 'cancelled');
    if (o.status === 'error') shell.status.set('error', o.message);
    return o.status === 'done';
  };
  shell.controls.append(controls(POLYNOMIAL_FIELDS, state, () => void compute()));
  void compute();
}

interface DegreeRef {
  degree: number;
  testLoss: number | null;
}
interface PolynomialSummaryLike {
  classicalSweetSpot: DegreeRef | null;
  interpolationThreshold: DegreeRef;
  peakTestLoss: DegreeRef;
  bestBeyondThreshold: DegreeRef | null;
}

function summaryTable(s: PolynomialSummaryLike): HTMLElement {
  const table = document.createElement('table');
  table.id = 'summary';
  const rows: [string, DegreeRef | null][] = [
    ['classical sweet spot (p + 1 < n)', s.classicalSweetSpot],
    ['interpolation threshold (p + 1 = n)', s.interpolationThreshold],
    ['peak test loss', s.peakTestLoss],
    ['best beyond the threshold', s.bestBeyondThreshold],
  ];
  table.innerHTML = '<tr><th></th><th>degree</th><th>test loss</th></tr>';
  for (const [name, ref] of rows) {
    const tr = document.createElement('tr');
    for (const text of [
      name,
      ref ? String(ref.degree) : '–',
      ref?.testLoss == null ? '–' : ref.testLoss.toPrecision(4),
    ]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}
