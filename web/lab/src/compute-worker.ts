// The lab's compute worker: runs the science layer's experiments (bundled with onnxruntime-web)
// off the page's thread, reporting progress and each point; a cancel stops the run at the next
// graph run (ort-web.ts yields to the message queue before each).
import { datasetFromIdx } from '../../../src/data/idx-dataset';
import type { Dataset } from '../../../src/data/dataset';
import { polynomialPreset, runPolynomial } from '../../../src/experiments/classical/polynomial';
import { polynomialFitsPreset, runPolynomialFits } from '../../../src/experiments/classical/polynomial-fits';
import { rffPreset, runRff } from '../../../src/experiments/random-features/rff';
import type { DataSource, FromWorker, Task, TaskResult, ToWorker } from './compute-protocol';
import { gunzipIfNeeded } from './gunzip';
import { networksLiveConfig, runNetworksLive } from '../../../src/experiments/networks/live-width-sweep';
import { ortThreads } from './ort-web';

class Cancelled extends Error {}

/** Runs wait for the one before (they share the ORT sessions); cancelled ids, also of queued runs. */
let queue = Promise.resolve();
const cancelled = new Set<number>();

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === 'cancel') {
    cancelled.add(m.id);
    return;
  }
  queue = queue.then(() => run(m.id, m.task));
};

async function run(id: number, task: Task): Promise<void> {
  const start = performance.now();
  const check = () => {
    if (cancelled.has(id)) throw new Cancelled();
  };
  const onProgress = (done: number, total: number) => {
    check();
    post({ type: 'progress', id, done, total });
  };
  try {
    check();
    const result =
      task.kind === 'networks'
        ? await computeNetworks(task.config, (rows, epoch, total) => {
            check();
            post({ type: 'epoch', id, rows: rows.map((r) => ({ ...r })) });
            post({ type: 'progress', id, done: epoch, total });
          })
        : await compute(task, onProgress, (point) => {
            check();
            post({ type: 'point', id, point });
          });
    post({ type: 'done', id, result, seconds: (performance.now() - start) / 1000 });
  } catch (e) {
    if (e instanceof Cancelled) post({ type: 'cancelled', id });
    else post({ type: 'error', id, message: e instanceof Error ? e.message : String(e) });
  } finally {
    cancelled.delete(id);
  }
}

/** Networks live: the width sweep, streaming every width's row after each epoch. */
async function computeNetworks(
  input: Extract<Task, { kind: 'networks' }>['config'],
  onEpoch: Parameters<typeof runNetworksLive>[1],
): Promise<TaskResult> {
  const config = networksLiveConfig(input);
  const rows = await runNetworksLive(config, onEpoch);
  return { points: rows.map((r) => ({ ...r })), summary: {}, config, threads: ortThreads() };
}

async function compute(
  task: Exclude<Task, { kind: 'networks' }>,
  onProgress: (done: number, total: number) => void,
  onPoint: (point: Record<string, number>) => void,
): Promise<TaskResult> {
  if (task.kind === 'polynomial') {
    const config = polynomialPreset.resolve(task.config);
    const { points, summary } = await runPolynomial(config, onProgress);
    const fitsConfig = polynomialFitsPreset.resolve({
      ...pick(config, ['target', 'coefficients', 'fourierTerms', 'noise', 'interval', 'design']),
      ...pick(config, ['n', 'nTest', 'decay', 'ridge', 'seed']),
      degrees: task.fitDegrees,
      gridSize: 200,
    });
    const fits = await runPolynomialFits(fitsConfig);
    return { points, summary, fits: fits.points, config, threads: ortThreads() };
  }
  const config = rffPreset.resolve(task.config);
  const data = await loadData(task.data);
  const { points, summary } = await runRff(config, data, { onProgress, onPoint: (p) => onPoint({ ...p }) });
  return { points: points.map((p) => ({ ...p })), summary, config, threads: ortThreads() };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

let shipped: { base: string; data: Promise<Dataset> } | undefined;

function loadData(source: DataSource): Promise<Dataset> {
  if (source.from === 'files') {
    return (async () => {
      const f = source.files;
      const named = async (buffer: ArrayBuffer, source: string) => ({
        bytes: await gunzipIfNeeded(new Uint8Array(buffer)),
        source,
      });
      return datasetFromIdx(
        {
          trainImages: await named(f.trainImages, 'training images'),
          trainLabels: await named(f.trainLabels, 'training labels'),
          testImages: await named(f.testImages, 'test images'),
          testLabels: await named(f.testLabels, 'test labels'),
        },
        source.name,
      );
    })();
  }
  if (shipped?.base !== source.base) {
    const file = async (name: string) => {
      const url = new URL(`${name}.gz`, source.base).href;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return { bytes: await gunzipIfNeeded(new Uint8Array(await response.arrayBuffer())), source: url };
    };
    const data = (async () =>
      datasetFromIdx(
        {
          trainImages: await file('train-images-idx3-ubyte'),
          trainLabels: await file('train-labels-idx1-ubyte'),
          testImages: await file('t10k-images-idx3-ubyte'),
          testLabels: await file('t10k-labels-idx1-ubyte'),
        },
        'mnist',
      ))();
    shipped = { base: source.base, data };
    data.catch(() => (shipped = undefined));
  }
  return shipped.data;
}
