// PyTorch's thread configurations on this machine, so that ddlab is compared against the best one.
// On a 2-core machine PyTorch's default 2-thread mode spins its OpenMP threads against OpenBLAS's
// own and ran 5× slower than one thread; OMP_WAIT_POLICY=PASSIVE removes the spinning. Comparing
// against the default alone would flatter ddlab, so every benchmark runs all of them.
import { availableParallelism } from 'node:os';
import { runPython, TORCH_PYTHON } from './reference.js';

export interface TorchConfig {
  label: string;
  threads: number;
  env: Record<string, string | undefined>;
}

export function torchConfigs(cores = availableParallelism()): TorchConfig[] {
  const one: TorchConfig = { label: '1 thread', threads: 1, env: { OMP_WAIT_POLICY: undefined } };
  if (cores === 1) return [one];
  return [
    one,
    {
      label: `${cores} threads, OMP_WAIT_POLICY=PASSIVE`,
      threads: cores,
      env: { OMP_WAIT_POLICY: 'PASSIVE' },
    },
    { label: `${cores} threads, default environment`, threads: cores, env: { OMP_WAIT_POLICY: undefined } },
  ];
}

/**
 * Runs a PyTorch script of bench/ (which takes `--threads`) once per configuration. `wall` is the
 * whole process's seconds (interpreter start, imports and data loading included), as a user runs it.
 */
export function runTorchConfigs<T>(
  script: string,
  args: string[],
): { config: TorchConfig; result: T; wall: number }[] {
  return torchConfigs().map((config) => {
    const t = performance.now();
    const result = runPython<T>(script, [...args, '--threads', String(config.threads)], {
      benchmark: true,
      python: TORCH_PYTHON,
      env: config.env,
    });
    return { config, result, wall: (performance.now() - t) / 1000 };
  });
}
