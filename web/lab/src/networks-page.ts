// Networks live: a width sweep of one-hidden-layer MLPs on MNIST-1D with noisy labels, all widths
// trained side by side as one ensemble by ddlab's trainer in the compute worker. After every epoch
// the page redraws test and train error against width (the width-wise curve as it stands at that
// epoch) beside each width's test error against epochs (the epoch-wise curves).
import type { TopLevelSpec } from 'vega-lite';
import { ComputeClient } from './compute-client';
import type { Row, Task } from './compute-protocol';
import { liveChart } from './chart';
import { controls } from './controls';
import { publish } from './lab-window';
import { pageShell, showProblems } from './page-shell';
import { readState, writeState, type Field, type State } from './url-state';

/** Width lists to choose from (ten each; the first is the default). */
export const WIDTH_LISTS = [
  '4,8,16,24,32,48,64,128,256,512',
  '2,4,6,8,12,16,24,32,48,64',
  '8,16,32,64,96,128,192,256,384,512',
  '16,32,64,128,256,384,512,768,1024,1536',
] as const;

export const NETWORKS_FIELDS: Field[] = [
  { kind: 'choice', key: 'widths', label: 'hidden widths', default: WIDTH_LISTS[0], choices: WIDTH_LISTS },
  { kind: 'number', key: 'n', label: 'training samples n', default: 1000, min: 100, max: 4000, step: 100 },
  { kind: 'number', key: 'labelNoise', label: 'label noise', default: 0.2, min: 0, max: 0.5, step: 0.01 },
  {
    kind: 'number',
    key: 'lr',
    label: 'Adam lr',
    default: 0.01,
    min: 0.0001,
    max: 0.1,
    step: 0.0001,
    log: true,
  },
  { kind: 'number', key: 'epochs', label: 'epochs', default: 100, min: 1, max: 1000, step: 1 },
  { kind: 'number', key: 'batchSize', label: 'batch size', default: 128, min: 16, max: 1000, step: 1 },
  { kind: 'number', key: 'nTest', label: 'test samples', default: 1000, min: 100, max: 1000, step: 100 },
  { kind: 'number', key: 'seed', label: 'seed', default: 1, min: 1, max: 1000, step: 1 },
];

export function networksTask(s: State): Task {
  return {
    kind: 'networks',
    config: {
      widths: String(s.widths).split(',').map(Number),
      n: s.n as number,
      nTest: s.nTest as number,
      labelNoise: s.labelNoise as number,
      lr: s.lr as number,
      epochs: s.epochs as number,
      batchSize: s.batchSize as number,
      seed: s.seed as number,
    },
  };
}

const errorLegend = (fields: Record<string, string>) => ({
  labelExpr: JSON.stringify(fields) + '[datum.label]',
});

function widthSpec(data: Record<string, object[]>): TopLevelSpec {
  return {
    width: 440,
    height: 300,
    title: 'error against width, at the latest epoch',
    datasets: data,
    layer: [
      {
        data: { name: 'current' },
        transform: [{ fold: ['testError', 'trainError'], as: ['column', 'value'] }],
        mark: { type: 'line', point: { size: 20 } },
        encoding: {
          x: {
            field: 'width',
            type: 'quantitative',
            scale: { type: 'log', nice: false },
            title: 'hidden width k',
          },
          y: { field: 'value', type: 'quantitative', title: 'zero-one error' },
          color: {
            field: 'column',
            type: 'nominal',
            title: null,
            scale: { domain: ['testError', 'trainError'] },
            legend: errorLegend({ testError: 'test', trainError: 'train' }),
          },
        },
      },
      {
        data: { name: 'threshold' },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
        encoding: { x: { field: 'width', type: 'quantitative' } },
      },
      {
        data: { name: 'label' },
        mark: { type: 'text', align: 'right', baseline: 'top', x: 'width', y: 4, fontSize: 13 },
        encoding: { text: { field: 'text' } },
      },
    ],
  } as TopLevelSpec;
}

function epochSpec(data: Record<string, object[]>): TopLevelSpec {
  return {
    width: 440,
    height: 300,
    title: 'test error against epochs, one line per width',
    datasets: data,
    data: { name: 'history' },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'testError', type: 'quantitative', scale: { zero: false }, title: 'test error' },
      color: {
        field: 'width',
        type: 'ordinal',
        title: 'width k',
        scale: { scheme: 'viridis' },
      },
    },
  } as TopLevelSpec;
}

export function startNetworksPage(): void {
  const shell = pageShell(
    'Networks live: test error against width, epoch by epoch',
    'One-hidden-layer ReLU MLPs of ten widths, trained side by side as one ensemble (Adam, cross-entropy) on n samples of MNIST-1D (40-point 1-D digits, generated in your browser) with a fraction of the training labels replaced by wrong classes. Every network is evaluated after every epoch: the left chart is test and train error against width as it stands at that epoch, the right one each width’s test error over the epochs. The dashed line is the narrowest width that fits the noisy training set at that epoch (train error below 1%): the interpolation threshold as observed, where a test-error peak would sit. Training runs in your browser on onnxruntime-web with ddlab’s own trainer; the same settings and seed give the same numbers as in Node, up to f32 rounding.',
  );
  const { state, problems } = readState(NETWORKS_FIELDS, location.search);
  showProblems(shell, problems);
  const byWidth = liveChart('width', widthSpec);
  const byEpoch = liveChart('epochs', epochSpec);
  shell.figures.append(byWidth.element, byEpoch.element);
  const client = new ComputeClient();
  shell.status.onCancel(() => client.cancel());

  const draw = (current: Row[], history: Row[], epoch: number) => {
    const fitted = current.find((r) => r.trainError < 0.01);
    const threshold = fitted ? [{ width: fitted.width }] : [];
    return Promise.all([
      byWidth.update({ current, threshold, label: [{ text: `epoch ${epoch} of ${state.epochs}` }] }),
      byEpoch.update({ history }),
    ]);
  };

  const compute = async () => {
    writeState(NETWORKS_FIELDS, state);
    shell.status.set('computing', 'generating MNIST-1D and building the ensemble…');
    const t0 = performance.now();
    const history: Row[] = [];
    let current: Row[] = [];
    let epochsDone = 0;
    let firstEpochAt = 0;
    // Draws are chained and skipped while one is pending, so a fast run never queues up redraws.
    let drawing: Promise<unknown> | undefined;
    const redraw = () => {
      if (drawing) return;
      drawing = draw([...current], [...history], epochsDone).finally(() => (drawing = undefined));
    };
    const outcome = await client.run(networksTask(state), {
      onProgress: (d, t) => shell.status.progress(d, t),
      onEpoch: (rows) => {
        if (epochsDone === 0) firstEpochAt = performance.now();
        current = rows;
        history.push(...rows);
        epochsDone = rows[0].epoch;
        const seconds = (performance.now() - t0) / 1000;
        publish({ state: { ...state }, rows: current, seconds });
        shell.status.set(
          'computing',
          `epoch ${epochsDone} of ${state.epochs} (${seconds.toFixed(1)} s): test error ${rows
            .map((r) => `${r.width}: ${(r.testError * 100).toFixed(0)}%`)
            .join(', ')}`,
        );
        redraw();
      },
    });
    await drawing;
    if (outcome.status === 'cancelled') {
      if (!client.busy) shell.status.set('cancelled', `cancelled after ${epochsDone} epochs`);
      return;
    }
    if (outcome.status === 'error') {
      shell.status.set('error', outcome.message);
      return;
    }
    const { points, config, threads } = outcome.result;
    await draw(points, history, state.epochs as number);
    const seconds = (performance.now() - t0) / 1000;
    // Epochs per second after the first (which also generates the data and builds the sessions).
    const epochsPerSecond =
      epochsDone > 1 ? (epochsDone - 1) / ((performance.now() - firstEpochAt) / 1000) : NaN;
    publish({
      state: { ...state },
      rows: points,
      seconds,
      config,
      threads,
      summary: { epochsPerSecond, history },
    });
    shell.status.set(
      'done',
      `${epochsDone} epochs of ${points.length} widths in ${seconds.toFixed(1)} s, ${epochsPerSecond.toFixed(1)} epochs/s (ORT-web, ${threads} thread${threads > 1 ? 's' : ''})`,
    );
  };
  shell.controls.append(controls(NETWORKS_FIELDS, state, () => void compute()));
  void compute();
}
