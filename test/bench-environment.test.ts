// The benchmarks' fairness rules: PyTorch is run in every thread configuration (the best is the
// reference), a configuration's environment really reaches the reference process, and the machine
// description names the CPU features the ratios depend on.
import { describe, expect, it } from 'vitest';
import { machineDescription } from '../bench/machine.js';
import { runPython } from '../bench/reference.js';
import { torchConfigs } from '../bench/torch-configs.js';

describe('benchmark environment', () => {
  it('runs PyTorch with 1 thread, with all cores and passive OpenMP waits, and with its defaults', () => {
    const configs = torchConfigs(2);
    expect(configs.map((c) => [c.threads, c.env.OMP_WAIT_POLICY])).toEqual([
      [1, undefined],
      [2, 'PASSIVE'],
      [2, undefined],
    ]);
    // The "default" configuration must not inherit a caller's OMP_WAIT_POLICY: the key is present, to delete it.
    expect(Object.hasOwn(configs[2].env, 'OMP_WAIT_POLICY')).toBe(true);
    expect(torchConfigs(1)).toHaveLength(1);
  });

  it('passes a configuration environment to the reference process, and removes what it unsets', () => {
    const before = process.env.OMP_WAIT_POLICY;
    process.env.OMP_WAIT_POLICY = 'ACTIVE';
    try {
      const seen = (env: Record<string, string | undefined>) =>
        runPython<{ policy: string | null }>('python_env.py', ['--echo-env', 'OMP_WAIT_POLICY'], { env })
          .policy;
      expect(seen({ OMP_WAIT_POLICY: 'PASSIVE' })).toBe('PASSIVE');
      expect(seen({ OMP_WAIT_POLICY: undefined })).toBeNull();
      expect(seen({})).toBe('ACTIVE');
    } finally {
      if (before === undefined) delete process.env.OMP_WAIT_POLICY;
      else process.env.OMP_WAIT_POLICY = before;
    }
  });

  it('describes the CPU, its AVX-512 support and both references', () => {
    const lines = machineDescription().join('\n');
    expect(lines).toMatch(/^CPU .+, \d+ cores, AVX2 (yes|no), AVX-512 (yes|no)/m);
    expect(lines).toMatch(/^numpy +\d+\.\d+/m);
    expect(lines).toMatch(/^PyTorch /m);
  });
});
