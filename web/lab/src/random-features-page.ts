// Random features on MNIST: Belkin et al.'s double descent, computed in the browser by the rff
// preset's code on the shipped MNIST subset (or IDX files the user drops in). The curve streams in
// point by point as each model size N is fitted; the threshold N = n is dashed, and the peak of the
// coefficient norm ‖a‖ marked.
import type { TopLevelSpec } from 'vega-lite';
import { RANDOM_FEATURE_KINDS } from '../../../src/models/feature-map';
import { ComputeClient } from './compute-client';
import type { DataSource, Row, Task } from './compute-protocol';
import { liveChart } from './chart';
import { controls } from './controls';
import { publish } from './lab-window';
import { pageShell, showProblems } from './page-shell';
import { readState, writeState, type Field, type State } from './url-state';
import { idxFilesFromDrop } from './idx-drop';

export const RFF_FIELDS: Field[] = [
  { kind: 'number', key: 'n', label: 'training points n', default: 200, min: 20, max: 1000, step: 10 },
  { kind: 'number', key: 'sizes', label: 'model sizes', default: 20, min: 3, max: 40, step: 1 },
  { kind: 'number', key: 'ratio', label: 'largest N / n', default: 10, min: 2, max: 20, step: 1 },
  { kind: 'choice', key: 'kind', label: 'features', default: 'rff', choices: RANDOM_FEATURE_KINDS },
  {
    kind: 'number',
    key: 'sigma',
    label: 'RFF bandwidth σ',
    default: 5,
    min: 0.5,
    max: 50,
    step: 0.1,
    log: true,
  },
  { kind: 'number', key: 'labelNoise', label: 'label noise', default: 0, min: 0, max: 0.5, step: 0.01 },
  { kind: 'number', key: 'ridge', label: 'ridge λ', default: 0, min: 0, max: 1, step: 0.0001 },
  { kind: 'number', key: 'nTest', label: 'test points', default: 1000, min: 100, max: 2000, step: 100 },
  { kind: 'number', key: 'seed', label: 'seed', default: 1, min: 1, max: 1000, step: 1 },
];

/** The model sizes: `sizes` log-spaced from n/10 to ratio·n, plus N = n (the rff preset's grid). */
export function featureGrid(s: State): string {
  const n = s.n as number;
  return `${Math.max(1, Math.round(n / 10))}:${(s.ratio as number) * n}:${s.sizes}`;
}

export function rffTask(s: State, data: DataSource): Task {
  return {
    kind: 'rff',
    config: {
      n: s.n as number,
      nTest: s.nTest as number,
      kind: s.kind as 'rff',
      sigma: s.sigma as number,
      features: featureGrid(s),
      ridge: s.ridge as number,
      labelNoise: s.labelNoise as number,
      seed: s.seed as number,
    },
    data,
  };
}

function curveSpec(y: { field: string; title: string }[], title: string, log: boolean) {
  return (data: Record<string, object[]>): TopLevelSpec =>
    ({
      width: 440,
      height: 280,
      title,
      datasets: data,
      layer: [
        {
          data: { name: 'points' },
          transform: [{ fold: y.map((c) => c.field), as: ['column', 'value'] }],
          mark: { type: 'line', point: { size: 16 }, clip: true },
          encoding: {
            x: {
              field: 'features',
              type: 'quantitative',
              scale: { type: 'log', nice: false },
              title: 'random features N',
            },
            // Interpolating fits have train losses of 1e-30 (rounding): a log axis stops at 1e-4.
            y: {
              field: 'value',
              type: 'quantitative',
              scale: log ? { type: 'log', domainMin: 1e-4 } : { type: 'linear' },
              title: null,
            },
            color: {
              field: 'column',
              type: 'nominal',
              title: null,
              scale: { domain: y.map((c) => c.field) },
              legend: {
                labelExpr:
                  JSON.stringify(Object.fromEntries(y.map((c) => [c.field, c.title]))) + '[datum.label]',
              },
            },
          },
        },
        {
          data: { name: 'threshold' },
          mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
          encoding: { x: { field: 'features', type: 'quantitative' } },
        },
        {
          data: { name: 'marked' },
          mark: { type: 'point', shape: 'diamond', size: 120, color: '#d62728', filled: true },
          encoding: {
            x: { field: 'features', type: 'quantitative' },
            y: { field: y[0].field, type: 'quantitative' },
          },
        },
      ],
    }) as TopLevelSpec;
}

export function startRandomFeaturesPage(): void {
  const shell = pageShell(
    'Random features on MNIST',
    'n training images from a 10 000-image MNIST subset (shipped with this page), random Fourier or ReLU features of growing number N, least squares below the threshold N = n (dashed) and the minimum-norm interpolant above it (Belkin et al. 2019). Each point is fitted in your browser as you watch, by ddlab’s rff preset on onnxruntime-web; the same seed and settings give the same numbers as `ddlab run rff`.',
  );
  const { state, problems } = readState(RFF_FIELDS, location.search);
  showProblems(shell, problems);
  const loss = liveChart(
    'loss',
    curveSpec(
      [
        { field: 'testLoss', title: 'test' },
        { field: 'trainLoss', title: 'train' },
      ],
      'squared loss (red: the peak of the test loss)',
      true,
    ),
  );
  const error = liveChart(
    'error',
    curveSpec(
      [
        { field: 'testError', title: 'test' },
        { field: 'trainError', title: 'train' },
      ],
      'zero-one error',
      false,
    ),
  );
  const norm = liveChart(
    'norm',
    curveSpec([{ field: 'coefNorm', title: '‖a‖' }], 'coefficient norm ‖a‖ (red: its peak)', true),
  );
  shell.figures.append(loss.element, error.element, norm.element);
  const client = new ComputeClient();
  shell.status.onCancel(() => client.cancel());
  let data: DataSource = { from: 'url', base: new URL('./mnist/', location.href).href };

  const drop = document.createElement('label');
  drop.className = 'drop';
  drop.textContent = 'your own data: the four MNIST-format IDX files (plain or .gz) ';
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.addEventListener('change', async () => {
    try {
      data = await idxFilesFromDrop([...(input.files ?? [])]);
      void compute();
    } catch (e) {
      shell.status.set('error', (e as Error).message);
    }
  });
  drop.append(input);

  const draw = async (points: Row[]) => {
    const n = state.n as number;
    const peak = (key: string) => points.reduce((a, b) => (b[key] > a[key] ? b : a));
    const threshold = [{ features: n }];
    const positive = points.filter((p) => p.trainLoss > 0);
    await Promise.all([
      loss.update({ points: positive, threshold, marked: points.length ? [peak('testLoss')] : [] }),
      error.update({ points, threshold, marked: points.length ? [peak('testError')] : [] }),
      norm.update({ points, threshold, marked: points.length ? [peak('coefNorm')] : [] }),
    ]);
  };

  const compute = async () => {
    writeState(RFF_FIELDS, state);
    const task = rffTask(state, data);
    shell.status.set('computing', 'loading MNIST and fitting…');
    const t0 = performance.now();
    const streamed: Row[] = [];
    window.ddlabStreamed = [];
    let pending = Promise.resolve();
    const outcome = await client.run(task, {
      onProgress: (d, t) => shell.status.progress(d, t),
      onPoint: (p) => {
        streamed.push(p);
        const rows = [...streamed];
        pending = pending.then(() => draw(rows));
        publish({ state: { ...state }, rows });
        window.ddlabStreamed?.push(rows.length);
        shell.status.set('computing', `N = ${p.features}: test error ${(p.testError * 100).toFixed(1)}%`);
      },
    });
    await pending;
    if (outcome.status === 'cancelled') {
      if (!client.busy) shell.status.set('cancelled', `cancelled after ${streamed.length} model sizes`);
      return;
    }
    if (outcome.status === 'error') {
      shell.status.set('error', outcome.message);
      return;
    }
    const { points, summary, config } = outcome.result;
    await draw(points);
    const seconds = (performance.now() - t0) / 1000;
    publish({ state: { ...state }, rows: points, summary, seconds, config, threads: outcome.result.threads });
    shell.status.set(
      'done',
      `${points.length} model sizes in ${seconds.toFixed(1)} s (ORT-web, ${outcome.result.threads} thread${outcome.result.threads > 1 ? 's' : ''})`,
    );
    shell.notes.replaceChildren(summaryTable(summary as RffSummaryLike));
  };
  shell.controls.append(
    controls(RFF_FIELDS, state, () => void compute()),
    drop,
  );
  void compute();
}

interface PointRef {
  features: number;
  testLoss: number;
  testError: number;
}
interface RffSummaryLike {
  interpolationThreshold: number;
  peakTestLoss: PointRef;
  classicalMinimum: PointRef | null;
  bestAboveThreshold: PointRef | null;
  coefNormPeak: { features: number; coefNorm: number };
}

function summaryTable(s: RffSummaryLike): HTMLElement {
  const table = document.createElement('table');
  table.id = 'summary';
  const g = (x: number) => x.toPrecision(4);
  const rows: [string, string, string][] = [
    ['interpolation threshold N = n', String(s.interpolationThreshold), ''],
    [
      'peak test loss',
      String(s.peakTestLoss.features),
      `loss ${g(s.peakTestLoss.testLoss)}, error ${g(s.peakTestLoss.testError)}`,
    ],
    [
      'classical minimum (N < n)',
      s.classicalMinimum ? String(s.classicalMinimum.features) : '–',
      s.classicalMinimum ? `loss ${g(s.classicalMinimum.testLoss)}` : '',
    ],
    [
      'best above the threshold',
      s.bestAboveThreshold ? String(s.bestAboveThreshold.features) : '–',
      s.bestAboveThreshold ? `error ${g(s.bestAboveThreshold.testError)}` : '',
    ],
    ['peak of ‖a‖', String(s.coefNormPeak.features), g(s.coefNormPeak.coefNorm)],
  ];
  for (const cells of rows) {
    const tr = document.createElement('tr');
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    table.append(tr);
  }
  return table;
}
