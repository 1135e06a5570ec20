// Probes of a fitted classifier from its outputs: the squared loss on one-hot targets (summed over
// classes, averaged over samples, as in Belkin et al. 2018) and the zero-one error of the argmax.
import type { Matrix } from '../engine/matrix.js';

export function squaredLoss(prediction: Matrix, targets: Matrix): number {
  if (prediction.rows !== targets.rows || prediction.cols !== targets.cols) {
    throw new Error(
      `squaredLoss: prediction ${prediction.rows}x${prediction.cols} vs targets ${targets.rows}x${targets.cols}`,
    );
  }
  let s = 0;
  for (let i = 0; i < prediction.data.length; i++) {
    const d = prediction.data[i] - targets.data[i];
    s += d * d;
  }
  return s / prediction.rows;
}

export function zeroOneError(prediction: Matrix, labels: Uint8Array): number {
  if (prediction.rows !== labels.length) {
    throw new Error(`zeroOneError: ${prediction.rows} predictions vs ${labels.length} labels`);
  }
  let wrong = 0;
  for (let i = 0; i < prediction.rows; i++) {
    if (argmax(prediction.data, i * prediction.cols, prediction.cols) !== labels[i]) wrong++;
  }
  return wrong / prediction.rows;
}

/** Index of the largest of `count` values starting at `offset` (the first one on ties). */
function argmax(data: Float64Array, offset: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if (data[offset + j] > data[offset + best]) best = j;
  return best;
}
