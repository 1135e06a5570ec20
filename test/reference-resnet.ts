// An independent f64 reference of batch normalization and the pre-activation ResNet18 of width k,
// in plain loops straight from the definitions (PyTorch's BatchNorm2d, Conv2d and Nakkiran's
// make_resnet18k), sharing no code with the graphs: central differences of its loss check the
// graphs' hand-derived gradients. Tensors are (N, C, H, W) row-major; names are PyTorch's.

export interface Maps {
  data: Float64Array;
  n: number;
  c: number;
  h: number;
  w: number;
}

export const EPS = 1e-5;

export function conv2d(x: Maps, weight: Float64Array, out: number, kernel: number, stride: number, pad: number): Maps {
  const h = Math.floor((x.h + 2 * pad - kernel) / stride) + 1;
  const w = Math.floor((x.w + 2 * pad - kernel) / stride) + 1;
  const data = new Float64Array(x.n * out * h * w);
  for (let b = 0; b < x.n; b++)
    for (let o = 0; o < out; o++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++) {
          let s = 0;
          for (let c = 0; c < x.c; c++)
            for (let p = 0; p < kernel; p++)
              for (let q = 0; q < kernel; q++) {
                const r = i * stride + p - pad;
                const t = j * stride + q - pad;
                if (r < 0 || r >= x.h || t < 0 || t >= x.w) continue;
                s += weight[((o * x.c + c) * kernel + p) * kernel + q] * x.data[((b * x.c + c) * x.h + r) * x.w + t];
              }
          data[((b * out + o) * h + i) * w + j] = s;
        }
  return { data, n: x.n, c: out, h, w };
}

/** Per-channel mean and biased variance over batch and pixels. */
export function channelStats(x: Maps): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(x.c);
  const variance = new Float64Array(x.c);
  const count = x.n * x.h * x.w;
  for (let c = 0; c < x.c; c++) {
    let s = 0;
    for (let b = 0; b < x.n; b++)
      for (let p = 0; p < x.h * x.w; p++) s += x.data[(b * x.c + c) * x.h * x.w + p];
    mean[c] = s / count;
    let v = 0;
    for (let b = 0; b < x.n; b++)
      for (let p = 0; p < x.h * x.w; p++) v += (x.data[(b * x.c + c) * x.h * x.w + p] - mean[c]) ** 2;
    variance[c] = v / count;
  }
  return { mean, variance };
}

/** γ·(x − μ)/√(σ² + ε) + β per channel, with the given statistics. */
export function normalize(
  x: Maps,
  gamma: Float64Array,
  beta: Float64Array,
  mean: Float64Array,
  variance: Float64Array,
): Maps {
  const data = new Float64Array(x.data.length);
  const hw = x.h * x.w;
  for (let b = 0; b < x.n; b++)
    for (let c = 0; c < x.c; c++)
      for (let p = 0; p < hw; p++) {
        const i = (b * x.c + c) * hw + p;
        data[i] = (gamma[c] * (x.data[i] - mean[c])) / Math.sqrt(variance[c] + EPS) + beta[c];
      }
  return { ...x, data };
}

/** Batch norm: the batch's statistics (training) or the running ones (evaluation). */
export function batchNorm(
  x: Maps,
  gamma: Float64Array,
  beta: Float64Array,
  running?: { mean: Float64Array; variance: Float64Array },
): Maps {
  const stats = running ?? channelStats(x);
  return normalize(x, gamma, beta, stats.mean, stats.variance);
}

const relu = (x: Maps): Maps => ({ ...x, data: x.data.map((v) => Math.max(0, v)) });

function add(a: Maps, b: Maps): Maps {
  return { ...a, data: a.data.map((v, i) => v + b.data[i]) };
}

export type Tensors = Map<string, Float64Array>;

/**
 * Logits (n × classes) of the ResNet18 of width k: training-mode batch norm, or evaluation mode
 * when `running` holds every BN's `.running_mean` and `.running_var`.
 */
export function resnetLogits(
  k: number,
  classes: number,
  p: Tensors,
  x: Maps,
  running?: Tensors,
): Float64Array {
  const get = (name: string) => {
    const v = p.get(name);
    if (!v) throw new Error(`reference: no tensor ${name}`);
    return v;
  };
  const bn = (t: Maps, name: string) =>
    batchNorm(
      t,
      get(`${name}.weight`),
      get(`${name}.bias`),
      running && {
        mean: running.get(`${name}.running_mean`) as Float64Array,
        variance: running.get(`${name}.running_var`) as Float64Array,
      },
    );
  let out = conv2d(x, get('conv1.weight'), k, 3, 1, 1);
  let inPlanes = k;
  [1, 2, 4, 8].forEach((factor, s) => {
    const planes = factor * k;
    for (let b = 0; b < 2; b++) {
      const name = `layer${s + 1}.${b}`;
      const stride = b === 0 && s > 0 ? 2 : 1;
      const a = relu(bn(out, `${name}.bn1`));
      const shortcut =
        stride !== 1 || inPlanes !== planes ? conv2d(a, get(`${name}.shortcut.0.weight`), planes, 1, stride, 0) : out;
      const h = conv2d(a, get(`${name}.conv1.weight`), planes, 3, stride, 1);
      out = add(conv2d(relu(bn(h, `${name}.bn2`)), get(`${name}.conv2.weight`), planes, 3, 1, 1), shortcut);
      inPlanes = planes;
    }
  });
  const hw = out.h * out.w;
  const weight = get('linear.weight');
  const bias = get('linear.bias');
  const logits = new Float64Array(x.n * classes);
  for (let b = 0; b < x.n; b++)
    for (let j = 0; j < classes; j++) {
      let s = bias[j];
      for (let c = 0; c < inPlanes; c++) {
        let pooled = 0;
        for (let q = 0; q < hw; q++) pooled += out.data[(b * inPlanes + c) * hw + q];
        s += weight[j * inPlanes + c] * (pooled / hw);
      }
      logits[b * classes + j] = s;
    }
  return logits;
}

/** Mean softmax cross-entropy of logits (n × classes). */
export function crossEntropy(logits: Float64Array, labels: ArrayLike<number>, classes: number): number {
  let total = 0;
  for (let b = 0; b < labels.length; b++) {
    const row = logits.subarray(b * classes, (b + 1) * classes);
    const top = Math.max(...row);
    const logSum = top + Math.log(row.reduce((s, v) => s + Math.exp(v - top), 0));
    total += logSum - row[labels[b]];
  }
  return total / labels.length;
}
