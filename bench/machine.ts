// What a benchmark ran on, printed before its numbers: speed ratios mean little without the CPU,
// its core count, whether it has AVX-512 (GEMM kernels differ by about 2× between AVX2 and
// AVX-512), the load while it ran, and the versions of both sides' libraries.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { PYTHON, runPython, TORCH_PYTHON } from './reference.js';

interface PythonEnv {
  python: string;
  numpy: string | null;
  blas: string | null;
  torch: { version: string; threads: number; parallel: string; blas: string } | null;
}

/** The CPU's flags from /proc/cpuinfo (Linux); empty elsewhere. */
function cpuFlags(): Set<string> {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    return new Set((line?.split(':')[1] ?? '').trim().split(/\s+/));
  } catch {
    return new Set();
  }
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function pythonEnv(python: string): PythonEnv | string {
  try {
    return runPython<PythonEnv>('python_env.py', [], { python });
  } catch (e) {
    return `${python} failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

/** The lines describing this machine and the libraries on both sides of a comparison. */
export function machineDescription(): string[] {
  const flags = cpuFlags();
  const yesNo = (f: string) => (flags.size === 0 ? 'unknown' : flags.has(f) ? 'yes' : 'no');
  const lines = [
    `CPU        ${cpus()[0]?.model ?? 'unknown'}, ${availableParallelism()} cores, AVX2 ${yesNo('avx2')}, AVX-512 ${yesNo('avx512f')}`,
    `load       ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (1, 5, 15 min)`,
    `ddlab      node ${process.versions.node}, onnxruntime-node ${packageVersion('onnxruntime-node')}`,
  ];
  const numpy = pythonEnv(PYTHON);
  lines.push(
    typeof numpy === 'string'
      ? `numpy      ${numpy}`
      : `numpy      ${numpy.numpy ?? 'not installed'} (python ${numpy.python}, ${PYTHON}), BLAS: ${numpy.blas ?? 'unknown'}`,
  );
  const torch = pythonEnv(TORCH_PYTHON);
  lines.push(
    typeof torch === 'string'
      ? `PyTorch    ${torch}`
      : torch.torch
        ? `PyTorch    ${torch.torch.version} (python ${torch.python}, ${TORCH_PYTHON}), ${torch.torch.parallel}, ${torch.torch.blas}`
        : `PyTorch    not installed under ${TORCH_PYTHON} (apt-get install python3-torch libopenblas0-pthread)`,
  );
  return lines;
}
