// The coordinate (identity) feature map: feature j of x is x_j itself, unscaled. Fitting the model
// with the first p features by the shared whole-curve solver (src/fit/feature-curve.ts) is linear
// least squares on the first p input coordinates: minimise ‖y − X_p a‖² + ridge·‖a‖², so that
// ridge = n·λ in the (1/n)‖y − Xβ‖² + λ‖β‖² convention of Hastie et al. (scale(p) = 1).
import { type Matrix } from '../engine/matrix.js';
import type { FeatureMap } from './feature-map.js';

export function coordinateFeatures(inputDim: number): FeatureMap {
  if (!(Number.isInteger(inputDim) && inputDim > 0))
    throw new Error(`inputDim must be a positive integer, got ${inputDim}`);
  return {
    // FeatureKind names the random families only ('rff' | 'relu'); the solver never reads `kind`.
    kind: 'coordinates',
    inputDim,
    maxFeatures: inputDim,
    async block(x: Matrix, j0: number, j1: number): Promise<Matrix> {
      if (x.cols !== inputDim)
        throw new Error(`feature map expects ${inputDim} input columns, got ${x.cols}`);
      if (!(0 <= j0 && j0 < j1 && j1 <= inputDim)) {
        throw new Error(`feature block [${j0}, ${j1}) is outside [0, ${inputDim})`);
      }
      const w = j1 - j0;
      const out = new Float64Array(x.rows * w);
      for (let i = 0; i < x.rows; i++) out.set(x.data.subarray(i * inputDim + j0, i * inputDim + j1), i * w);
      return { rows: x.rows, cols: w, data: out };
    },
    scale(): number {
      return 1;
    },
    parameters(j: number) {
      if (!(Number.isInteger(j) && j >= 0 && j < inputDim)) throw new Error(`no feature ${j}`);
      const v = new Float64Array(inputDim);
      v[j] = 1;
      return { v, b: 0 };
    },
    describe(): Record<string, number | string> {
      return { kind: 'coordinates', maxFeatures: inputDim };
    },
  };
}
