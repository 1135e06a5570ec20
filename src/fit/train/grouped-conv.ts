// A 2-D convolution with G groups as ONNX nodes, forward and hand-derived backward, for any layer
// that keeps several networks' channels side by side (ensembles of equal members, one group each).
// With G groups, input channels and output channels are split into G contiguous blocks and block
// g's outputs read only block g's inputs; the weight is (G·outPerGroup, inPerGroup, kH, kW), which
// is each group's own (out, in, kH, kW) weight, group after group. G = 1 is the plain convolution.
//   forward  z[b, g·O + o, p] = Σ_{i,k} W[g·O + o, i, k] · x[b, g·I + i, s·p + k − pad]
//   dx       = ConvTranspose(dz, W, group = G)  (the transpose of the same linear map)
//   dW       batch as channels, grouped: dW[g·O + o, i, k] = Σ_{b,p} x[b, g·I + i, s·p + k − pad] · dz[b, g·O + o, p]
//            is a convolution of x′ = x as (I, G·B, H, W) (input "images" = a group's input channel i,
//            its channels (g, b)) with dz′ = dz as (G·O, B, Hₒ, Wₒ) (kernels: one per output channel,
//            over the group's B channels), group = G, dilated by the stride: the result (I, G·O, kH, kW)
//            transposed to (G·O, I, kH, kW) is dW exactly, each group's block from its own channels
//            only (no cross-group products are computed, so it costs what the G convolutions cost).
// For G = 1 x′ and dz′ are plain transposes (B, C) → (C, B), the classic trick.
import type { GraphBuilder } from '../../engine/onnx-graph.js';

export interface ConvGeometry {
  groups: number;
  /** Kernel height and width. */
  kernel: [number, number];
  /** The same stride along both axes. */
  stride: number;
  /** The same zero padding on all four sides. */
  pad: number;
}

/** The usual 3×3 convolution of the CNN: stride 1, padding 1. */
export const conv3x3 = (groups: number): ConvGeometry => ({ groups, kernel: [3, 3], stride: 1, pad: 1 });

/** The output size of a convolution along one axis. */
export const convOutputSize = (size: number, kernel: number, c: ConvGeometry): number =>
  Math.floor((size + 2 * c.pad - kernel) / c.stride) + 1;

/** ONNX attributes, defaults left out (so a plain convolution is the same node it always was). */
function attributes(c: ConvGeometry): Record<string, number[] | number> {
  return {
    kernel_shape: c.kernel,
    pads: [c.pad, c.pad, c.pad, c.pad],
    ...(c.stride !== 1 && { strides: [c.stride, c.stride] }),
    ...(c.groups !== 1 && { group: c.groups }),
  };
}

/** z = conv(x, W) + b, x (batch, G·I, H, W), W (G·O, I, kH, kW), b (G·O) or none. */
export function emitGroupedConv(
  g: GraphBuilder,
  x: string,
  w: string,
  b: string | undefined,
  c: ConvGeometry,
): string {
  return g.node('Conv', b ? [x, w, b] : [x, w], attributes(c));
}

/**
 * dL/dx of emitGroupedConv from dL/dz, for x of spatial size (H, W). With a stride, several input
 * sizes give one output size: output_padding adds the rows and columns the forward conv never read.
 */
export function emitGroupedConvInputGradient(
  g: GraphBuilder,
  dz: string,
  w: string,
  c: ConvGeometry,
  size: [number, number],
): string {
  const extra = size.map((n, a) => {
    const out = convOutputSize(n, c.kernel[a], c);
    return n - (c.stride * (out - 1) + c.kernel[a] - 2 * c.pad);
  });
  return g.node('ConvTranspose', [dz, w], {
    ...attributes(c),
    ...(extra.some((e) => e !== 0) && { output_padding: extra }),
  });
}

/**
 * dL/dW of emitGroupedConv from its input x, (batch, G·inPerGroup, H, W), and dL/dz, (batch,
 * G·outPerGroup, Hₒ, Wₒ): see the file's head. `size` = (H, W) of x.
 */
export function emitGroupedConvWeightGradient(
  g: GraphBuilder,
  x: string,
  dz: string,
  c: ConvGeometry,
  inPerGroup: number,
  outPerGroup: number,
  size: [number, number],
): string {
  const G = c.groups;
  const [H, W] = size;
  const [kH, kW] = c.kernel;
  const [oH, oW] = [convOutputSize(H, kH, c), convOutputSize(W, kW, c)];
  const swap = (t: string) => g.node('Transpose', [t], { perm: [1, 0, 2, 3] });
  // x′ (I, G·B, H, W) and dz′ (G·O, B, Hₒ, Wₒ); for one group, plain swaps of the first two axes.
  const xT =
    G === 1
      ? swap(x)
      : g.node('Reshape', [
          g.node('Transpose', [g.node('Reshape', [x, g.ints([-1, G, inPerGroup, H, W])])], {
            perm: [2, 1, 0, 3, 4],
          }),
          g.ints([inPerGroup, -1, H, W]),
        ]);
  const dzT =
    G === 1
      ? swap(dz)
      : g.node('Reshape', [
          g.node('Transpose', [g.node('Reshape', [dz, g.ints([-1, G, outPerGroup, oH, oW])])], {
            perm: [1, 2, 0, 3, 4],
          }),
          g.ints([G * outPerGroup, -1, oH, oW]),
        ]);
  // Tap k of the kernel pairs input position s·p + k − pad with dz at p: a dilation of s.
  let dW = g.node('Conv', [xT, dzT], {
    pads: [c.pad, c.pad, c.pad, c.pad],
    ...(c.stride !== 1 && { dilations: [c.stride, c.stride] }),
    ...(G !== 1 && { group: G }),
  });
  // When (H + 2·pad − k) is not a multiple of the stride, the last rows or columns of the padded
  // input were never read by the forward conv: the result is larger than the kernel; cut it.
  if ((H + 2 * c.pad - kH) % c.stride !== 0 || (W + 2 * c.pad - kW) % c.stride !== 0)
    dW = g.node('Slice', [dW, g.ints([0, 0]), g.ints([kH, kW]), g.ints([2, 3])]);
  return swap(dW);
}
