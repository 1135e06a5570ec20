// The messages between a lab page and its compute worker. One run at a time per worker; every
// message carries the run's id, so answers of a cancelled run are recognised and dropped.
import type { PolynomialConfig } from '../../../src/experiments/classical/polynomial';
import type { RffConfig } from '../../../src/experiments/random-features/rff';
import type { NetworksLiveInput } from '../../../src/experiments/networks/live-width-sweep';

export type Task =
  | { kind: 'polynomial'; config: Partial<PolynomialConfig>; fitDegrees: [number, number, number] }
  | {
      kind: 'rff';
      config: Partial<Omit<RffConfig, 'features'>> & { features?: number[] | string };
      data: DataSource;
    }
  | { kind: 'networks'; config: NetworksLiveInput };

/** Where the random-features page's data come from: the shipped MNIST subset, or dropped IDX files. */
export type DataSource =
  | { from: 'url'; base: string }
  | {
      from: 'files';
      name: string;
      files: Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', ArrayBuffer>;
    };

export type ToWorker = { type: 'run'; id: number; task: Task } | { type: 'cancel'; id: number };

export type Row = Record<string, number>;

export type FromWorker =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'point'; id: number; point: Row }
  /** Networks live: every width's row after an epoch. */
  | { type: 'epoch'; id: number; rows: Row[] }
  | { type: 'done'; id: number; result: TaskResult; seconds: number }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };

export interface TaskResult {
  /** The curve, one row per degree or model size. */
  points: Row[];
  summary: unknown;
  /** Polynomials: the fits on a grid and at the samples (polynomial-fits' rows). */
  fits?: Row[];
  /** The resolved config (defaults filled in), as the CLI would record it. */
  config: unknown;
  /** ORT-web's WASM threads (1 unless the page is cross-origin isolated). */
  threads: number;
}
