// A random-feature family: N features of the input, nested — the model with N features uses the
// first N of N_max — so that a sweep over N only ever adds features.
import type { Matrix } from '../engine/matrix.js';

/** The family's name: random features ('rff', 'relu') or a deterministic basis ('legendre', 'coordinates'). */
export type FeatureKind = 'rff' | 'relu' | 'legendre' | 'coordinates';

/** The random-feature kinds a user can choose (rff, rf-relu presets). */
export const RANDOM_FEATURE_KINDS = ['rff', 'relu'] as const satisfies readonly FeatureKind[];

export interface FeatureMap {
  readonly kind: FeatureKind;
  readonly inputDim: number;
  readonly maxFeatures: number;
  /** Raw (unscaled) features j0 ≤ j < j1 of every row of x (rows × inputDim → rows × (j1 − j0)). */
  block(x: Matrix, j0: number, j1: number): Promise<Matrix>;
  /**
   * True when block() computes on other threads: a caller that asks for the next block before it
   * works on the current one overlaps the two (at the memory of one more block).
   */
  readonly elsewhere?: boolean;
  /** The factor every feature of a model with N features is multiplied by. */
  scale(features: number): number;
  /** Feature j's weight vector v_j and offset b_j (0 where the family has none), for checks. */
  parameters(j: number): { v: Float64Array; b: number };
  /** Parameters of the family (for provenance). */
  describe(): Record<string, number | string>;
}
