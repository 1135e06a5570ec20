// Norm-based capacity measures of trained ReLU MLPs, per ensemble member (the measures that Jiang et
// al. 2019, "Fantastic generalization measures", arXiv 1912.02178, compare as their §C):
//   - the ℓ2 path norm of Neyshabur, Tomioka & Srebro 2015 ("Norm-based capacity control in neural
//     networks", COLT; the path regularizer of Neyshabur, Salakhutdinov & Srebro 2015, Path-SGD):
//     ‖θ‖_path² = Σ over every path from an input unit or a bias to an output of the product of its
//     squared weights. One pass of the network with every weight and bias squared, no ReLU, on the
//     all-ones input sums them: v₀ = 1, v_{l+1} = (W_l²)ᵀ v_l + b_l², ‖θ‖_path² = Σ v_L.
//     It is invariant to the rescalings θ_in·c, θ_out/c of a ReLU unit that leave the function alone,
//     which ‖θ‖₂ is not.
//   - the product of the layers' spectral norms Π_l ‖W_l‖₂, the Lipschitz constant of the network
//     (biases aside) and the leading factor of the spectrally-normalized margin bound of Bartlett,
//     Foster & Telgarsky 2017 (arXiv 1706.08498). Neither is divided by a margin here: both are
//     reported as they are, along the size sweep.
import { Rng, Streams } from '../engine/random.js';
import { lanczosTop } from '../fit/lanczos.js';
import type { EnsemblePlan } from '../fit/train/ensemble-plan.js';
import { memberParameters, type Parameters } from '../fit/train/initialize.js';

/** One dense layer of one network: W (rows = inputs, cols = outputs, row-major) and its biases. */
export interface DenseLayer {
  rows: number;
  cols: number;
  w: Float64Array;
  b: Float64Array;
}

/** Member m's dense layers, cut out of the ensemble layout (memberParameters reads every layout). */
export function memberLayers(plan: EnsemblePlan, params: Parameters, m: number): DenseLayer[] {
  if (!(Number.isInteger(m) && m >= 0 && m < plan.members.length))
    throw new Error(`member must be an integer in [0, ${plan.members.length}), got ${m}`);
  plan.layers.forEach((layer, l) => {
    if (layer.kind !== 'dense')
      throw new Error(`norm capacity measures are defined for MLPs here; layer ${l} is ${layer.kind}`);
  });
  const own = memberParameters(plan, params, m);
  return plan.layers.map((layer, l) => ({
    rows: layer.sharedInput ? layer.inTotal : layer.inPerMember[m],
    cols: layer.outPerMember[m],
    w: own.w[l],
    b: own.b[l],
  }));
}

/** The ℓ2 path norm (biases as paths from a constant unit): √(Σ v_L), see the file's head. */
export function pathNorm(layers: DenseLayer[]): number {
  checkChain(layers);
  let v = new Float64Array(layers[0].rows).fill(1);
  for (const { rows, cols, w, b } of layers) {
    const next = Float64Array.from(b, (x) => x * x);
    for (let i = 0; i < rows; i++) {
      const vi = v[i];
      for (let j = 0; j < cols; j++) next[j] += w[i * cols + j] ** 2 * vi;
    }
    v = next;
  }
  return Math.sqrt(v.reduce((s, x) => s + x, 0));
}

/**
 * ‖W‖₂, the largest singular value: √ of the top eigenvalue of the smaller Gram matrix (WᵀW or
 * WWᵀ) by Lanczos — exact once its steps reach the Gram's size, and converged to ~1e-12 well before
 * for the sizes here (at most 60 steps; checked against matrices of known singular values).
 */
export async function spectralNorm(layer: DenseLayer, seed = 1): Promise<number> {
  const { rows, cols, w } = layer;
  const gram = gramOfSmallerSide(layer);
  const p = Math.min(rows, cols);
  if (w.every((x) => x === 0)) return 0;
  const rng = new Rng(seed, Streams.spectralNormStart);
  const start = Float64Array.from({ length: p }, () => rng.normal());
  const [top] = await lanczosTop(
    async (x) => {
      const y = new Float64Array(p);
      for (let i = 0; i < p; i++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += gram[i * p + j] * x[j];
        y[i] = s;
      }
      return y;
    },
    { steps: Math.min(p, 60), top: 1, start },
  );
  return Math.sqrt(Math.max(0, top[0]));
}

/** Π_l ‖W_l‖₂ over the layers (biases excluded, as in Bartlett et al. 2017). */
export async function spectralNormProduct(layers: DenseLayer[], seed = 1): Promise<number> {
  checkChain(layers);
  let product = 1;
  for (const layer of layers) product *= await spectralNorm(layer, seed);
  return product;
}

/** WᵀW (cols ≤ rows) or WWᵀ, p × p row-major with p = min(rows, cols). */
function gramOfSmallerSide({ rows, cols, w }: DenseLayer): Float64Array {
  const p = Math.min(rows, cols);
  const g = new Float64Array(p * p);
  if (cols <= rows) {
    for (let k = 0; k < rows; k++)
      for (let i = 0; i < cols; i++) {
        const a = w[k * cols + i];
        if (a === 0) continue;
        for (let j = 0; j < cols; j++) g[i * cols + j] += a * w[k * cols + j];
      }
  } else {
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < rows; j++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += w[i * cols + k] * w[j * cols + k];
        g[i * rows + j] = s;
      }
  }
  return g;
}

function checkChain(layers: DenseLayer[]): void {
  if (layers.length === 0) throw new Error('a network needs at least one layer');
  layers.forEach((l, i) => {
    if (l.w.length !== l.rows * l.cols || l.b.length !== l.cols)
      throw new Error(`layer ${i}: ${l.w.length} weights and ${l.b.length} biases for ${l.rows} × ${l.cols}`);
    if (i > 0 && l.rows !== layers[i - 1].cols)
      throw new Error(`layer ${i} has ${l.rows} inputs, layer ${i - 1} ${layers[i - 1].cols} outputs`);
  });
}
