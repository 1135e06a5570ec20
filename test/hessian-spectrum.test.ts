// Lanczos against exact spectra: a symmetric matrix built from a known eigendecomposition, and a
// tiny network's Hessian assembled column by column from Hessian-vector products of unit vectors.
// Also the Hessian-vector product's handling of zero, tiny, huge and non-finite directions.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/engine/random.js';
import { lanczosTop } from '../src/fit/lanczos.js';
import { ensemblePlan, parameterOwners } from '../src/fit/train/ensemble-plan.js';
import { hessianVectorProduct, hvpSteps } from '../src/fit/train/hessian.js';
import { initialParameters, memberParameters, type Parameters } from '../src/fit/train/initialize.js';
import { flattenParameters, unflattenParameters } from '../src/fit/train/parameter-math.js';
import { EnsembleTrainer, type Member, type TrainingData } from '../src/fit/train/trainer.js';
import { topHessianEigenvalues } from '../src/probes/hessian-spectrum.js';
import { symmetricEigen } from '../src/theory/symmetric-eigen.js';
import { randomData, settings } from './train-helpers.js';
import { referenceLoss, referenceNet } from './reference-network.js';

/** Q diag(λ) Qᵀ with Q a product of random Householder reflections (exactly orthogonal). */
function withSpectrum(values: number[], seed: number): Float64Array {
  const n = values.length;
  const rng = new Rng(seed, 5);
  let q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < 3; r++) {
    const u = Float64Array.from({ length: n }, () => rng.normal());
    const norm2 = u.reduce((s, x) => s + x * x, 0);
    const next = new Float64Array(n * n); // (I − 2uuᵀ/‖u‖²) Q
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let uq = 0;
        for (let k = 0; k < n; k++) uq += u[k] * q[k * n + j];
        next[i * n + j] = q[i * n + j] - (2 * u[i] * uq) / norm2;
      }
    q = next;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * values[k] * q[j * n + k];
      a[i * n + j] = s;
    }
  return a;
}

const times = (a: Float64Array, n: number) => async (v: Float64Array) => {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += a[i * n + j] * v[j];
  return out;
};

const randomVector = (n: number, seed: number) => {
  const rng = new Rng(seed, 6);
  return Float64Array.from({ length: n }, () => rng.normal());
};

describe('lanczosTop', () => {
  const n = 60;
  // A spread-out bulk under three separated top eigenvalues (negative ones too, as in a Hessian).
  const rng = new Rng(8, 8);
  const values = [12, 11, 10.2, ...Array.from({ length: n - 3 }, () => 8 * rng.uniform() - 2)];
  const a = withSpectrum(values, 1);
  const top3 = [...values].sort((x, y) => y - x).slice(0, 3);

  it('finds the top three eigenvalues of a matrix with a known spectrum (to 1e-9 relative in 30 steps)', async () => {
    const [found] = await lanczosTop(times(a, n), { steps: 30, top: 3, start: randomVector(n, 2) });
    expect(found).toHaveLength(3);
    found.forEach((x, i) => expect(Math.abs(x - top3[i]) / top3[0]).toBeLessThan(1e-9));
  });

  it('with as many steps as dimensions, returns the whole spectrum (a breakdown ends early, exactly)', async () => {
    const small = [3, -1, 0.5, 2, 7];
    const [found] = await lanczosTop(times(withSpectrum(small, 3), 5), {
      steps: 40,
      top: 5,
      start: randomVector(5, 4),
    });
    const want = [...small].sort((x, y) => y - x);
    found.forEach((x, i) => expect(x).toBeCloseTo(want[i], 10));
  });

  it('runs independent groups side by side, each with its own spectrum; −1 entries stay out', async () => {
    // Block diagonal: group 0 on entries 0..59 (the matrix above), group 1 on 60..64, entry 65 in none.
    const small = [4, 1, -3, 2.5, 0];
    const b = withSpectrum(small, 6);
    const of = Int32Array.from({ length: 66 }, (_, i) => (i < n ? 0 : i < 65 ? 1 : -1));
    const matvec = async (v: Float64Array) => {
      expect(v[65]).toBe(0);
      const top = await times(a, n)(v.subarray(0, n));
      const bottom = await times(b, 5)(v.subarray(n, n + 5));
      return Float64Array.from([...top, ...bottom, 123]); // junk in the excluded entry is ignored
    };
    const [g0, g1] = await lanczosTop(matvec, {
      steps: 30,
      top: 2,
      start: randomVector(66, 7),
      groups: { of, count: 2 },
    });
    expect(g0[0]).toBeCloseTo(12, 9);
    expect(g0[1]).toBeCloseTo(11, 9);
    expect(g1[0]).toBeCloseTo(4, 10);
    expect(g1[1]).toBeCloseTo(2.5, 10);
  });

  it('rejects bad input with messages that name it', async () => {
    const mv = times(a, n);
    await expect(lanczosTop(mv, { steps: 0, top: 1, start: randomVector(n, 1) })).rejects.toThrow(/steps/);
    await expect(lanczosTop(mv, { steps: 5, top: 0, start: randomVector(n, 1) })).rejects.toThrow(/top/);
    await expect(lanczosTop(mv, { steps: 5, top: 1, start: new Float64Array(n) })).rejects.toThrow(
      /start vector of group 0 has norm 0/,
    );
    await expect(
      lanczosTop(async () => new Float64Array(n).fill(NaN), { steps: 5, top: 1, start: randomVector(n, 1) }),
    ).rejects.toThrow(/not finite/);
  });
});

const [D, K, C] = [4, 3, 2];
const member: Member = { shape: { family: 'mlp', widths: [K] }, seed: 2, lr: 0.1 };

/** Seeded start with random biases, so that no ReLU sits at its kink. */
async function tinyNetworks(data: TrainingData, members: Member[] = [member]): Promise<EnsembleTrainer> {
  const plan = ensemblePlan(
    members.map((m) => m.shape),
    data.input,
  );
  const p = initialParameters(
    plan,
    members.map((m) => m.seed),
    'he',
  );
  const rng = new Rng(3, 3);
  p.b.forEach((b) => rng.fillNormal(b, 0, 0.3));
  return EnsembleTrainer.create(members, data, settings({ loss: 'squared' }), p);
}

/** The explicit Hessian: column j is H·e_j. */
async function explicitHessian(t: EnsembleTrainer): Promise<{ h: Float64Array; size: number }> {
  const like = t.parameters();
  const size = flattenParameters(like).length;
  const h = new Float64Array(size * size);
  for (let j = 0; j < size; j++) {
    const e = new Float64Array(size);
    e[j] = 1;
    const col = flattenParameters(await hessianVectorProduct(t, unflattenParameters(e, like)));
    for (let i = 0; i < size; i++) h[i * size + j] = col[i];
  }
  return { h, size };
}

describe('top Hessian eigenvalues of a network by Lanczos', () => {
  const data = randomData(7, D, C, 31);

  it('match the eigenvalues of the explicit Hessian (from HVPs of unit vectors) to 1e-7', async () => {
    const t = await tinyNetworks(data);
    const { h, size } = await explicitHessian(t);
    expect(size).toBe(D * K + K * C + K + C);
    const exact = symmetricEigen({ rows: size, cols: size, data: h }).values;
    const [found] = await topHessianEigenvalues(t, { steps: size, top: 3 });
    found.forEach((x, i) => expect(Math.abs(x - exact[i]) / exact[0]).toBeLessThan(1e-7));
    // 12 steps already give the largest (the sharpness) to 1e-6.
    const [few] = await topHessianEigenvalues(t, { steps: 12, top: 1 });
    expect(Math.abs(few[0] - exact[0]) / exact[0]).toBeLessThan(1e-6);
  });

  it('in an ensemble, each member gets the spectrum it has alone', async () => {
    const other: Member = { ...member, seed: 5 };
    const pair = await tinyNetworks(data, [member, other]);
    const spectra = await topHessianEigenvalues(pair, { steps: 23, top: 2 });
    for (const m of [0, 1]) {
      const alone = await EnsembleTrainer.create(
        [[member, other][m]],
        data,
        settings({ loss: 'squared' }),
        memberParameters(pair.plan, pair.parameters(), m),
      );
      const [want] = await topHessianEigenvalues(alone, { steps: 23, top: 2 });
      for (let i = 0; i < 2; i++) expect(Math.abs(spectra[m][i] - want[i]) / want[0]).toBeLessThan(1e-7);
    }
  });
});

describe('a tanh network (smooth: its Hessian is defined everywhere)', () => {
  it('Lanczos on HVPs matches the Hessian from second differences of the reference loss (1e-5)', async () => {
    const data = randomData(7, D, C, 32);
    const shape = { family: 'mlp' as const, widths: [K], activation: 'tanh' as const };
    const t = await tinyNetworks(data, [{ ...member, shape }]);
    const p = t.parameters();
    const net = referenceNet(t.plan, 0);
    const x = Float64Array.from(data.xTrain);
    const theta = flattenParameters(p);
    const f = (q: Float64Array) =>
      referenceLoss(net, unflattenParameters(q, p), x, data.labelsTrain, D, 'squared');
    const size = theta.length;
    const h = 1e-4;
    const hessian = new Float64Array(size * size);
    const at = (i: number, si: number, j: number, sj: number) => {
      const q = Float64Array.from(theta);
      q[i] += si * h;
      q[j] += sj * h;
      return f(q);
    };
    for (let i = 0; i < size; i++)
      for (let j = 0; j <= i; j++) {
        const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h * h);
        hessian[i * size + j] = hessian[j * size + i] = v;
      }
    const exact = symmetricEigen({ rows: size, cols: size, data: hessian }).values;
    const [found] = await topHessianEigenvalues(t, { steps: size, top: 3 });
    found.forEach((v, i) => expect(Math.abs(v - exact[i]) / exact[0]).toBeLessThan(1e-5));
  });
});

describe('Hessian-vector products of zero, tiny, huge and non-finite directions', () => {
  const data = randomData(5, D, C, 21);
  const P = D * K + K * C + K + C;
  const rng = new Rng(9, 9);
  const direction = Float64Array.from({ length: P }, () => rng.normal());

  it('hvpSteps: 0 for v = 0 (no 0/0), finite and positive for tiny and huge v, an error for NaN', async () => {
    const t = await tinyNetworks(data);
    const theta = t.parameters();
    const owners = parameterOwners(t.plan);
    const steps = (scale: number) =>
      hvpSteps(
        theta,
        unflattenParameters(
          direction.map((x) => scale * x),
          theta,
        ),
        owners,
        2 ** -53,
      )[0];
    expect(steps(0)).toBe(0);
    // Σv² underflows to 0 (1e-200) or overflows to ∞ (1e200) unless the norm is scaled: then the old
    // step was 0 (a zero product for a non-zero v) or 0 again (c/∞).
    for (const s of [1e-150, 1e-200, 1, 1e200]) {
      expect(steps(s)).toBeGreaterThan(0);
      expect(Number.isFinite(steps(s))).toBe(true);
      expect(steps(s) * s).toBeCloseTo(steps(1), 12); // ε‖v‖ does not depend on ‖v‖
    }
    const bad = unflattenParameters(
      direction.map((x, i) => (i === 3 ? NaN : x)),
      theta,
    );
    expect(() => hvpSteps(theta, bad, owners, 2 ** -53)).toThrow(/member 0 has an entry NaN/);
  });

  it('H(c·v) = c·H(v) for c from 1e-300 to 1e300, and H·0 = 0', async () => {
    const t = await tinyNetworks(data);
    const like = t.parameters();
    const hv = flattenParameters(await hessianVectorProduct(t, unflattenParameters(direction, like)));
    const norm = Math.hypot(...hv);
    for (const c of [1e-300, 1e-200, 1e-20, 1e20, 1e200]) {
      const scaled = flattenParameters(
        await hessianVectorProduct(
          t,
          unflattenParameters(
            direction.map((x) => c * x),
            like,
          ),
        ),
      );
      const err = Math.hypot(...scaled.map((x, i) => x / c - hv[i]));
      // Only the rounding of the unit direction differs, amplified by the difference quotient (~u^{2/3}).
      expect(err / norm).toBeLessThan(1e-10);
    }
    const zero = flattenParameters(
      await hessianVectorProduct(t, unflattenParameters(new Float64Array(P), like)),
    );
    expect(zero.every((x) => x === 0)).toBe(true);
    const bad: Parameters = unflattenParameters(
      direction.map((x, i) => (i === 0 ? Infinity : x)),
      like,
    );
    await expect(hessianVectorProduct(t, bad)).rejects.toThrow(/entry Infinity/);
  });
});
