// `npm run bench -- resnet`: one training step of the width-k pre-activation ResNet18 (Nakkiran et
// al. 2019) at k = 4, 16 and 64, batch 128, 32×32×3 inputs, Adam, cross-entropy: ddlab against
// PyTorch (bench/resnet_torch.py, the same network in kuangliu's layout) in each of PyTorch's thread
// configurations (bench/torch-configs.ts), as median seconds per step after warm-up and samples/s.
// Target: ddlab ≥ 1.0× the best PyTorch configuration.
import { loadavg } from 'node:os';
import { runTorchConfigs } from './torch-configs.js';

const WIDTHS = [4, 16, 64];
const BATCH = 128;
const IMAGE = [3, 32, 32] as const;
/** Timed steps per width (after warm-up), on both sides. */
const STEPS = 5;
const WARMUP = 2;

interface TorchResult {
  threads: number;
  params: Record<string, number>;
  step_seconds: Record<string, number>;
  samples_per_s: Record<string, number>;
}

/** The ddlab timer's module: built on the ResNet engine's branch (see ddlabResnetStepSeconds). */
const RESNET_STEP_TIMER = '../src/fit/train/resnet-step-timer.js';

type StepTimer = (
  k: number,
  batch: number,
  image: readonly [number, number, number],
  steps: number,
) => Promise<number>;

/**
 * ─── The ddlab column ───
 * Median seconds of one ddlab training step of the width-k ResNet18 at this batch, from
 * `resnetStepSeconds(k, batch, image, steps)` of src/fit/train/resnet-step-timer.ts. The import is
 * dynamic so that this benchmark builds (and prints PyTorch's side) where that module does not
 * exist yet; there it returns undefined and the table says so.
 */
async function ddlabResnetStepSeconds(k: number, batch: number): Promise<number | undefined> {
  let timer: StepTimer;
  try {
    timer = ((await import(RESNET_STEP_TIMER)) as { resnetStepSeconds: StepTimer }).resnetStepSeconds;
  } catch (e) {
    // Only the timer's own absence means "not built here"; anything else is a real failure.
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
    if (missing && String((e as Error).message).includes('resnet-step-timer')) return undefined;
    throw e;
  }
  return timer(k, batch, IMAGE, STEPS);
}

export async function benchResnet(): Promise<void> {
  const ddlab = new Map<number, number | undefined>();
  for (const k of WIDTHS) ddlab.set(k, await ddlabResnetStepSeconds(k, BATCH));
  const torch = runTorchConfigs<TorchResult>('resnet_torch.py', [
    '--widths',
    WIDTHS.join(','),
    '--batch',
    String(BATCH),
    '--steps',
    String(STEPS),
    '--warmup',
    String(WARMUP),
  ]);
  const load = loadavg()[0];
  console.log(
    `Pre-activation ResNet18 of width k (Nakkiran et al. 2019), one training step: batch ${BATCH}, ` +
      `${IMAGE.join('×')} inputs, forward + cross-entropy + backward + Adam; median of ${STEPS} steps after ${WARMUP} warm-up`,
  );
  console.log(
    `  The CPU is shared with other jobs (load average ${load.toFixed(1)} at the end): both sides' times are inflated.`,
  );
  const params = torch[0].result.params;
  const head = [
    'k',
    'parameters',
    'ddlab',
    ...torch.map((t) => `PyTorch ${t.config.label}`),
    'best PyTorch',
    'ddlab/best',
  ];
  const rows = WIDTHS.map((k) => {
    const ours = ddlab.get(k);
    const rates = torch.map((t) => t.result.samples_per_s[String(k)]);
    const best = Math.max(...rates);
    return [
      String(k),
      String(params[String(k)]),
      ours === undefined ? 'n/a' : `${(BATCH / ours).toFixed(1)}`,
      ...rates.map((r) => r.toFixed(1)),
      best.toFixed(1),
      ours === undefined ? 'n/a' : `${(BATCH / ours / best).toFixed(2)}×`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log('  samples/s (higher is better):');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log('  seconds per step:');
  for (const k of WIDTHS) {
    const ours = ddlab.get(k);
    const theirs = torch.map((t) => `${t.config.label} ${t.result.step_seconds[String(k)].toFixed(3)} s`);
    console.log(
      `    k = ${k}: ddlab ${ours === undefined ? 'n/a' : `${ours.toFixed(3)} s`}; PyTorch ${theirs.join('; ')}`,
    );
  }
  if ([...ddlab.values()].some((v) => v === undefined)) {
    console.log(
      `  ddlab: n/a: ${RESNET_STEP_TIMER.replace('../', '')} (resnetStepSeconds) is not in this build; ` +
        'it comes with the ResNet engine (issue 15).',
    );
  }
  console.log(`  (target: ddlab/best ≥ 1.0×)`);
}
