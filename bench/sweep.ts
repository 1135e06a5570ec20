// Throughput of the local pool against a single process on the same sweep: the measurement behind
// the default of --workers. Each configuration runs the whole sweep with a fresh store.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'ddlab.js');

const SWEEPS = {
  // Small trials: ORT cannot keep two cores busy on 300 × 300 problems.
  small: { preset: 'rff', config: { n: 300, nTest: 500, features: [30, 100, 300, 1000, 3000] }, seeds: 12 },
  // Larger trials: ORT's own threads already use every core.
  large: {
    preset: 'rff',
    config: { n: 1500, nTest: 1500, features: [150, 500, 1500, 5000, 15000] },
    seeds: 4,
  },
};

export async function benchSweep(): Promise<void> {
  for (const [label, spec] of Object.entries(SWEEPS)) {
    const dir = mkdtempSync(join(tmpdir(), 'ddlab-bench-'));
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(spec));
    console.log(
      `sweep '${label}': rff n=${spec.config.n}, ${spec.config.features.length} sizes up to ${spec.config.features.at(-1)}, ${spec.seeds} trials`,
    );
    let single = 0;
    for (const workers of [0, 1, 2]) {
      const t0 = performance.now();
      execFileSync(
        'node',
        [
          bin,
          'run',
          specPath,
          '--db',
          join(dir, `w${workers}.db`),
          '--workers',
          String(workers),
          '--no-progress',
          '--out',
          join(dir, `out${workers}`),
        ],
        {
          stdio: 'ignore',
        },
      );
      const seconds = (performance.now() - t0) / 1000;
      if (workers === 0) single = seconds;
      const name =
        workers === 0 ? 'single process' : `pool, ${workers} worker thread${workers > 1 ? 's' : ''}`;
      console.log(
        `  ${name.padEnd(26)} ${seconds.toFixed(1).padStart(6)} s  ${((spec.seeds / seconds) * 60).toFixed(1).padStart(6)} trials/min  ratio to single ${(seconds / single).toFixed(2)}`,
      );
    }
  }
}
