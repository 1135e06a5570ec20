// `npm run bench -- resnet`: one training step of the width-k pre-activation ResNet18 (Nakkiran et
// al. 2019) at k = 4, 16 and 64, batch 128, 32×32×3 inputs, Adam, cross-entropy: ddlab against
// PyTorch (bench/resnet_torch.py, the same network in kuangliu's layout) in each of PyTorch's thread
// configurations (bench/torch-configs.ts), as median seconds per step after warm-up and samples/s.
// Target: ddlab ≥ 1.0× the best PyTorch configuration.
import { loadavg } from 'node:os';
import { resnetStepSeconds } from '../src/fit/train/resnet-step-timer.js';
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

/** ddlab's thread configurations: one ORT thread, and one per core; the best one is compared. */
const DDLAB_THREADS = [1, 2];

/** Median seconds of one ddlab training step of the width-k ResNet18, in its best thread count. */
async function ddlabStepSeconds(k: number): Promise<{ seconds: number; threads: number }> {
  let best = { seconds: Infinity, threads: 0 };
  for (const threads of DDLAB_THREADS) {
    const { median } = await resnetStepSeconds(k, BATCH, IMAGE, STEPS, { engine: { threads } });
    if (median < best.seconds) best = { seconds: median, threads };
  }
  return best;
}

export async function benchResnet(): Promise<void> {
  const ddlab = new Map<number, { seconds: number; threads: number }>();
  for (const k of WIDTHS) ddlab.set(k, await ddlabStepSeconds(k));
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
    `  Load average ${load.toFixed(1)} at the end (above the 2 cores' own work, other jobs inflate both sides' times).`,
  );
  const params = torch[0].result.params;
  const head = [
    'k',
    'parameters',
    'ddlab (best threads)',
    ...torch.map((t) => `PyTorch ${t.config.label}`),
    'best PyTorch',
    'ddlab/best',
  ];
  const rows = WIDTHS.map((k) => {
    const ours = (ddlab.get(k) as { seconds: number }).seconds;
    const rates = torch.map((t) => t.result.samples_per_s[String(k)]);
    const best = Math.max(...rates);
    return [
      String(k),
      String(params[String(k)]),
      `${(BATCH / ours).toFixed(1)}`,
      ...rates.map((r) => r.toFixed(1)),
      best.toFixed(1),
      `${(BATCH / ours / best).toFixed(2)}×`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log('  samples/s (higher is better):');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log('  seconds per step:');
  for (const k of WIDTHS) {
    const ours = ddlab.get(k) as { seconds: number; threads: number };
    const theirs = torch.map((t) => `${t.config.label} ${t.result.step_seconds[String(k)].toFixed(3)} s`);
    console.log(
      `    k = ${k}: ddlab ${ours.seconds.toFixed(3)} s (${ours.threads} ORT thread${ours.threads > 1 ? 's' : ''}); PyTorch ${theirs.join('; ')}`,
    );
  }
  console.log(`  (target: ddlab/best ≥ 1.0×)`);
}
