// Naive reference computations for tests: independent of the engine under test.
import * as vl from 'vega-lite';
import { Rng } from '../src/engine/random.js';
import { zeros, type Matrix } from '../src/engine/matrix.js';
import type { FeatureMap } from '../src/models/feature-map.js';
import { randomFeatures } from '../src/models/random-features.js';

export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const m = zeros(rows, cols);
  new Rng(seed).fillNormal(m.data);
  return m;
}

export function naiveMatmul(a: Matrix, b: Matrix, transA = false, transB = false): Matrix {
  const [m, k] = transA ? [a.cols, a.rows] : [a.rows, a.cols];
  const n = transB ? b.rows : b.cols;
  const at = (i: number, j: number) => (transA ? a.data[j * a.cols + i] : a.data[i * a.cols + j]);
  const bt = (i: number, j: number) => (transB ? b.data[j * b.cols + i] : b.data[i * b.cols + j]);
  const out = zeros(m, n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      out.data[i * n + j] = s;
    }
  return out;
}

/** A random symmetric positive definite matrix B Bᵀ + shift·I. */
export function randomSpd(n: number, seed: number, shift = 1): Matrix {
  const b = randomMatrix(n, n, seed);
  const a = naiveMatmul(b, b, false, true);
  for (let i = 0; i < n; i++) a.data[i * n + i] += shift;
  return a;
}

export function maxAbsDiff(a: Matrix | Float64Array, b: Matrix | Float64Array): number {
  const x = 'data' in a ? a.data : a;
  const y = 'data' in b ? b.data : b;
  if (x.length !== y.length) throw new Error(`length ${x.length} vs ${y.length}`);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

export function maxAbs(a: Matrix | Float64Array): number {
  const x = 'data' in a ? a.data : a;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]));
  return d;
}

/**
 * Moore–Penrose pseudo-inverse by one-sided Jacobi SVD (Hestenes): slow, simple and accurate to
 * near machine precision relative to the largest singular value — the independent reference for
 * the minimum-norm least-squares solutions. Singular values below rcond·σ_max are treated as zero.
 */
export function pseudoInverse(a: Matrix, rcond = 1e-13): Matrix {
  const transposeFirst = a.rows < a.cols;
  const m = transposeFirst ? transposeOf(a) : a; // m is tall: rows ≥ cols
  const [r, c] = [m.rows, m.cols];
  const u = Float64Array.from(m.data); // columns get orthogonalised in place: U·Σ
  const v = new Float64Array(c * c);
  for (let i = 0; i < c; i++) v[i * c + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < c - 1; p++)
      for (let q = p + 1; q < c; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < r; i++) {
          const up = u[i * c + p];
          const uq = u[i * c + q];
          alpha += up * up;
          beta += uq * uq;
          gamma += up * uq;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const cs = 1 / Math.sqrt(1 + t * t);
        const sn = cs * t;
        for (let i = 0; i < r; i++) {
          const up = u[i * c + p];
          const uq = u[i * c + q];
          u[i * c + p] = cs * up - sn * uq;
          u[i * c + q] = sn * up + cs * uq;
        }
        for (let i = 0; i < c; i++) {
          const vp = v[i * c + p];
          const vq = v[i * c + q];
          v[i * c + p] = cs * vp - sn * vq;
          v[i * c + q] = sn * vp + cs * vq;
        }
      }
    if (!rotated) break;
  }
  const sigma = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    let s = 0;
    for (let i = 0; i < r; i++) s += u[i * c + j] ** 2;
    sigma[j] = Math.sqrt(s);
  }
  const cutoff = rcond * Math.max(...sigma);
  // pinv(m) = V Σ⁻¹ Uᵀ = Σ_j v_j (u_j σ_j)ᵀ / σ_j², a c × r matrix.
  const pinv = zeros(c, r);
  for (let j = 0; j < c; j++) {
    if (sigma[j] <= cutoff) continue;
    const w = 1 / (sigma[j] * sigma[j]);
    for (let i = 0; i < c; i++)
      for (let k = 0; k < r; k++) pinv.data[i * r + k] += v[i * c + j] * u[k * c + j] * w;
  }
  return transposeFirst ? transposeOf(pinv) : pinv;
}

function transposeOf(a: Matrix): Matrix {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

/** Compiles a Vega-Lite spec, collecting vega-lite's warnings and errors; returns them and the Vega spec. */
export function compileVegaLite(spec: unknown): {
  messages: string[];
  vega: ReturnType<typeof vl.compile>['spec'];
} {
  const messages: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => void messages.push(`error: ${a.join(' ')}`),
    warn: (...a: unknown[]) => void messages.push(`warn: ${a.join(' ')}`),
    info: () => logger,
    debug: () => logger,
  };
  const { spec: vega } = vl.compile(structuredClone(spec) as never, { logger: logger as never });
  return { messages, vega };
}

/**
 * Random Fourier features whose feature 19 repeats feature 0: the 20-feature Gram matrix is exactly
 * singular (it needs jitter), every smaller one is not.
 */
export function singularLastFeatureMap(inputDim: number): FeatureMap {
  const base = randomFeatures({ kind: 'rff', inputDim, maxFeatures: 20, seed: 2, sigma: 1 });
  return {
    ...base,
    async block(xx, j0, j1) {
      const f = await base.block(xx, 0, 20);
      const out = zeros(xx.rows, j1 - j0);
      for (let i = 0; i < xx.rows; i++)
        for (let j = j0; j < j1; j++) out.data[i * (j1 - j0) + j - j0] = f.data[i * 20 + (j === 19 ? 0 : j)];
      return out;
    },
  };
}
