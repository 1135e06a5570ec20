// An independent, naive f64 implementation of the networks the training engine builds (plain loops,
// no ONNX): the ground truth for gradient checks by central finite differences.
import type { Conv1dGeometry, EnsemblePlan } from '../src/fit/train/ensemble-plan.js';
import type { Parameters } from '../src/fit/train/initialize.js';

export interface ReferenceNet {
  family: 'mlp' | 'cnn' | 'cnn1d';
  activation: 'relu' | 'tanh';
  /** Per layer: inputs and outputs of this one network. */
  sizes: {
    in: number;
    out: number;
    pool: 'none' | 'max2' | 'global';
    relu: boolean;
    kind: 'dense' | 'conv' | 'conv1d';
    conv1d?: Conv1dGeometry;
  }[];
  image?: readonly [number, number, number];
}

/** The lone network of member m of a plan. */
export function referenceNet(plan: EnsemblePlan, m: number): ReferenceNet {
  return {
    family: plan.family,
    activation: plan.activation,
    sizes: plan.layers.map((l) => ({
      in: l.inPerMember[m],
      out: l.outPerMember[m],
      pool: l.pool,
      relu: l.relu,
      kind: l.kind,
      conv1d: l.conv1d,
    })),
    image: plan.input.image,
  };
}

/** Logits of one sample. */
export function referenceLogits(net: ReferenceNet, p: Parameters, x: Float64Array): Float64Array {
  if (net.family === 'mlp') {
    let a = x;
    net.sizes.forEach((s, l) => {
      const z = new Float64Array(s.out);
      for (let j = 0; j < s.out; j++) {
        let sum = p.b[l][j];
        for (let i = 0; i < s.in; i++) sum += a[i] * p.w[l][i * s.out + j];
        z[j] = s.relu ? (net.activation === 'tanh' ? Math.tanh(sum) : Math.max(0, sum)) : sum;
      }
      a = z;
    });
    return a;
  }
  if (net.family === 'cnn1d') return cnn1dLogits(net, p, x);
  const [, height, width] = net.image as readonly [number, number, number];
  let maps = x;
  let [h, w] = [height, width];
  let logits = new Float64Array(0);
  net.sizes.forEach((s, l) => {
    if (s.kind === 'dense') {
      logits = new Float64Array(s.out);
      for (let j = 0; j < s.out; j++) {
        let sum = p.b[l][j];
        for (let i = 0; i < s.in; i++) sum += maps[i] * p.w[l][i * s.out + j];
        logits[j] = sum;
      }
      return;
    }
    const z = new Float64Array(s.out * h * w);
    for (let o = 0; o < s.out; o++)
      for (let y = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++) {
          let sum = p.b[l][o];
          for (let i = 0; i < s.in; i++)
            for (let a = 0; a < 3; a++)
              for (let c = 0; c < 3; c++) {
                const yy = y + a - 1;
                const xc = xx + c - 1;
                if (yy < 0 || yy >= h || xc < 0 || xc >= w) continue;
                sum += p.w[l][((o * s.in + i) * 3 + a) * 3 + c] * maps[(i * h + yy) * w + xc];
              }
          z[(o * h + y) * w + xx] = net.activation === 'tanh' ? Math.tanh(sum) : Math.max(0, sum);
        }
    if (s.pool === 'none') maps = z;
    else if (s.pool === 'max2') {
      const [h2, w2] = [h / 2, w / 2];
      maps = new Float64Array(s.out * h2 * w2);
      for (let o = 0; o < s.out; o++)
        for (let y = 0; y < h2; y++)
          for (let xx = 0; xx < w2; xx++) {
            let m = -Infinity;
            for (let a = 0; a < 2; a++)
              for (let c = 0; c < 2; c++) m = Math.max(m, z[(o * h + 2 * y + a) * w + 2 * xx + c]);
            maps[(o * h2 + y) * w2 + xx] = m;
          }
      [h, w] = [h2, w2];
    } else {
      maps = new Float64Array(s.out);
      for (let o = 0; o < s.out; o++) maps[o] = Math.max(...z.subarray(o * h * w, (o + 1) * h * w));
      [h, w] = [1, 1];
    }
  });
  return logits;
}

/**
 * The 1-D CNN, channels first as PyTorch's Conv1d: maps[c·L + t]; the head is the conv1d whose
 * kernel spans the last length. Weight of tap k from input channel c to output o: W[(k·in + c)·out + o].
 */
function cnn1dLogits(net: ReferenceNet, p: Parameters, x: Float64Array): Float64Array {
  let maps = x;
  net.sizes.forEach((s, l) => {
    const { kernel, stride, pad, inLength, outLength } = s.conv1d as Conv1dGeometry;
    const z = new Float64Array(s.out * outLength);
    for (let o = 0; o < s.out; o++)
      for (let t = 0; t < outLength; t++) {
        let sum = p.b[l][o];
        for (let c = 0; c < s.in; c++)
          for (let k = 0; k < kernel; k++) {
            const u = t * stride + k - pad;
            if (u >= 0 && u < inLength) sum += p.w[l][(k * s.in + c) * s.out + o] * maps[c * inLength + u];
          }
        z[o * outLength + t] = !s.relu ? sum : net.activation === 'tanh' ? Math.tanh(sum) : Math.max(0, sum);
      }
    maps = z;
  });
  return maps;
}

/** Mean loss over the samples: softmax cross-entropy, or squared loss summed over classes. */
export function referenceLoss(
  net: ReferenceNet,
  p: Parameters,
  x: Float64Array,
  labels: Uint8Array,
  dim: number,
  kind: 'cross-entropy' | 'squared',
): number {
  let total = 0;
  for (let s = 0; s < labels.length; s++) {
    const z = referenceLogits(net, p, x.subarray(s * dim, (s + 1) * dim));
    if (kind === 'cross-entropy') {
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((a, v) => a + Math.exp(v - max), 0));
      total += lse - z[labels[s]];
    } else {
      z.forEach((v, c) => (total += (v - (c === labels[s] ? 1 : 0)) ** 2));
    }
  }
  return total / labels.length;
}
