// Integrates a gradient flow θ' = −F(θ) by the classical fourth-order Runge–Kutta method with
// equal substeps: the "exact" flows against which one gradient-descent step is compared
// (Barrett & Dherin 2020). Its error per unit time is O((t/steps)⁴); test/igr-flow.test.ts checks
// it against a closed-form flow and by halving the substeps.

export type VectorField = (theta: Float64Array) => Promise<Float64Array> | Float64Array;

export async function integrateFlow(
  field: VectorField,
  start: Float64Array,
  time: number,
  steps: number,
): Promise<Float64Array> {
  if (!(Number.isInteger(steps) && steps >= 1))
    throw new Error(`steps must be a positive integer, got ${steps}`);
  const dt = time / steps;
  let theta = Float64Array.from(start);
  const along = (base: Float64Array, k: Float64Array, s: number) => base.map((v, i) => v - s * k[i]);
  for (let s = 0; s < steps; s++) {
    const k1 = await field(theta);
    const k2 = await field(along(theta, k1, dt / 2));
    const k3 = await field(along(theta, k2, dt / 2));
    const k4 = await field(along(theta, k3, dt));
    theta = theta.map((v, i) => v - (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  }
  return theta;
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((v, i) => {
    num += (v - mx) * (ly[i] - my);
    den += (v - mx) ** 2;
  });
  return num / den;
}
