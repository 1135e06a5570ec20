// One line that says what a benchmark ran on: CPU model, cores, AVX-512, and the load, since the
// machine may be shared while it runs.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';

export function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  let avx512 = 'unknown';
  try {
    avx512 = /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'yes' : 'no';
  } catch {
    // not Linux: leave it unknown
  }
  const load = loadavg().map((l) => l.toFixed(2));
  return `${model}, ${availableParallelism()} cores, AVX-512 ${avx512}, load average ${load.join(' ')}`;
}
