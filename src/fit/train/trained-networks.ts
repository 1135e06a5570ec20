// What a probe may ask of trained networks: their layout, precision, data, parameters and loss
// gradients. EnsembleTrainer implements it; the probes (src/probes) and Hessian-vector products
// depend on this interface only, never on the trainer itself.
import type { EngineSettings } from '../../engine/session-cache.js';
import type { EnsemblePlan } from './ensemble-plan.js';
import type { Floats } from './graph-tensors.js';
import type { Parameters } from './initialize.js';
import type { Dtype, LossKind } from './network-graph.js';

export type Split = 'train' | 'test';

export interface TrainedNetworks {
  /** The ensemble layout: members, layers, and which member owns each unit. */
  readonly plan: EnsemblePlan;
  /** The graphs' precision and the training loss. */
  readonly settings: { readonly dtype: Dtype; readonly loss: LossKind; readonly engine?: EngineSettings };
  /** Each member's base learning rate. */
  readonly members: readonly { readonly lr: number }[];
  /** Number of training points. */
  readonly trainCount: number;
  /** Row-major features (in settings.dtype) and labels of a split. */
  split(which: Split): { x: Floats; labels: Uint8Array };
  /** The current parameters (f64 copies) in the ensemble layout. */
  parameters(): Parameters;
  /**
   * Mean loss and gradient of every member over `indices` (default: the whole training set), at
   * the parameters `at` (default: the current ones).
   */
  lossGradient(indices?: Int32Array, at?: Parameters): Promise<{ loss: Float64Array; grads: Parameters }>;
}

/** Measures every member at an evaluation: named values, one per member. */
export type EpochProbe = (nets: TrainedNetworks) => Promise<Record<string, ArrayLike<number>>>;
