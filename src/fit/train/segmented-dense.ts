// A segmented dense layer (ensemble-plan.ts): unequal members, equal outputs per member (the MLP
// head of a width sweep). Weights W are (Σ inputs, K), row i feeding only its own member's K
// outputs. Each run of consecutive members of equal width computes its own rows only:
//   one member      z = x_r·W_r                       (batch, w)·(w, K)
//   c equal ones    z = stack(x_r)·W_r as (c, w, K)   one batched MatMul, (c, batch, K)
// and the runs' outputs, concatenated, are the member-major logits (batch, M·K). Backward, per run:
// dW_r = x_rᵀ·dz_r and dx_r = dz_r·W_rᵀ (batched the same way), concatenated over rows and columns.
// The block-diagonal layout would multiply every product by M (its weights are (Σ inputs, M·K)).
import type { GraphBuilder } from '../../engine/onnx-graph.js';
import { equalWidthRuns, type LayerPlan } from './ensemble-plan.js';
import { fromStack, toStack } from './member-stack.js';

/** Columns [start, end) of a (batch, n) value, or rows of a (n, K) one (axis 0). */
function slice(g: GraphBuilder, t: string, axis: number, start: number, end: number): string {
  return g.node('Slice', [t, g.ints([start]), g.ints([end]), g.ints([axis])]);
}

const concat = (g: GraphBuilder, parts: string[], axis: number) =>
  parts.length === 1 ? parts[0] : g.node('Concat', parts, { axis });

/** z = x·W + b of a segmented layer: x (batch, Σ inputs) → (batch, M·K). */
export function emitSegmentedDense(
  g: GraphBuilder,
  layer: LayerPlan,
  x: string,
  w: string,
  b: string,
): string {
  const classes = layer.outPerMember[0];
  const parts = equalWidthRuns(layer).map(({ count, width, row }) => {
    const xr = slice(g, x, 1, row, row + count * width);
    const wr = slice(g, w, 0, row, row + count * width);
    if (count === 1) return g.node('MatMul', [xr, wr]);
    const stacked = g.node('MatMul', [
      toStack(g, xr, count, width),
      g.node('Reshape', [wr, g.ints([count, width, classes])]),
    ]);
    return fromStack(g, stacked);
  });
  return g.node('Add', [concat(g, parts, 1), b]);
}

/**
 * The gradients of a segmented layer from dz (batch, M·K): dW (Σ inputs, K), unless `weights` is
 * false, and dx (batch, Σ inputs), unless `input` is false.
 */
export function emitSegmentedDenseBackward(
  g: GraphBuilder,
  layer: LayerPlan,
  x: string,
  w: string,
  dz: string,
  wanted: { weights: boolean; input: boolean },
): { dW?: string; dx?: string } {
  const classes = layer.outPerMember[0];
  const swap = (t: string) => g.node('Transpose', [t], { perm: [0, 2, 1] });
  const dWs: string[] = [];
  const dxs: string[] = [];
  for (const { member, count, width, row } of equalWidthRuns(layer)) {
    const dzr = slice(g, dz, 1, member * classes, (member + count) * classes);
    const xr = slice(g, x, 1, row, row + count * width);
    const wr = slice(g, w, 0, row, row + count * width);
    if (count === 1) {
      if (wanted.weights) dWs.push(g.node('Gemm', [xr, dzr], { transA: 1 }));
      if (wanted.input) dxs.push(g.node('Gemm', [dzr, wr], { transB: 1 }));
      continue;
    }
    const dzStack = toStack(g, dzr, count, classes);
    if (wanted.weights) {
      const dW = g.node('MatMul', [swap(toStack(g, xr, count, width)), dzStack]);
      dWs.push(g.node('Reshape', [dW, g.ints([count * width, classes])]));
    }
    if (wanted.input) {
      const wStack = g.node('Reshape', [wr, g.ints([count, width, classes])]);
      dxs.push(fromStack(g, g.node('MatMul', [dzStack, swap(wStack)])));
    }
  }
  return {
    dW: wanted.weights ? concat(g, dWs, 0) : undefined,
    dx: wanted.input ? concat(g, dxs, 1) : undefined,
  };
}
