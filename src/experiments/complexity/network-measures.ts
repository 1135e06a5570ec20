// The complexity measures of trained networks, taken once after training on each width's ensemble:
// sharpness (the top Hessian eigenvalue of the training loss, by Lanczos on Hessian-vector
// products), R_IG = (1/m)‖∇E‖² of the full training loss (Barrett & Dherin 2020), ‖θ‖₂, the ℓ2
// path norm and the product of spectral norms (src/probes/norm-capacity.ts).
// The networks train in f32; the measures are taken on an f64 copy of the trained parameters, so the
// finite-difference Hessian-vector products perturb θ by ~1e-5 relative, not ~4e-3 (f32's u^{1/3}).
import { parameterOwners } from '../../fit/train/ensemble-plan.js';
import { memberDots } from '../../fit/train/parameter-math.js';
import { EnsembleTrainer } from '../../fit/train/trainer.js';
import { topHessianEigenvalues } from '../../probes/hessian-spectrum.js';
import { memberLayers, pathNorm, spectralNormProduct } from '../../probes/norm-capacity.js';
import { parameterNorms } from '../../probes/parameter-norm.js';

/** The measures of each member, by name (one value per member). */
export async function networkMeasures(
  trainer: EnsembleTrainer,
  options: { lanczosSteps: number; seed: number },
): Promise<Record<string, Float64Array>> {
  const exact = await EnsembleTrainer.create(
    trainer.members,
    trainer.data,
    { ...trainer.settings, dtype: 'float64' },
    trainer.parameters(),
  );
  const owners = parameterOwners(exact.plan);
  const { grads } = await exact.lossGradient();
  const rig = memberDots(grads, grads, owners).map((s, k) => s / owners.counts[k]);
  const spectra = await topHessianEigenvalues(exact, {
    steps: options.lanczosSteps,
    top: 1,
    seed: options.seed,
  });
  const params = exact.parameters();
  const layers = exact.members.map((_, m) => memberLayers(exact.plan, params, m));
  const spectral = new Float64Array(layers.length);
  for (const [m, l] of layers.entries()) spectral[m] = await spectralNormProduct(l, options.seed);
  return {
    sharpness: Float64Array.from(spectra, (s) => s[0]),
    rig,
    paramNorm: parameterNorms(exact),
    pathNorm: Float64Array.from(layers, pathNorm),
    spectralProduct: spectral,
  };
}
