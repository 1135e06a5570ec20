// Runs a Python reference script of bench/ and returns its JSON output. For timings, the OpenBLAS
// core-type overrides some machines set are dropped (they slow a current numpy; see the README);
// correctness checks keep the machine's environment as it is.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// From dist/bench/*.js or from bench/*.ts (under vitest), the scripts live in <root>/bench.
const here = dirname(fileURLToPath(import.meta.url));
const benchDir = here.endsWith(join('dist', 'bench')) ? join(here, '..', '..', 'bench') : here;

/** The Python with numpy and scipy: `DDLAB_PYTHON` if set (CI sets it when it installs Debian's), else python3. */
export const PYTHON = process.env.DDLAB_PYTHON ?? 'python3';

/** The Python with PyTorch: Debian's python3-torch imports under /usr/bin/python3 only. */
export const TORCH_PYTHON = process.env.DDLAB_TORCH_PYTHON ?? '/usr/bin/python3';

export function runPython<T>(
  script: string,
  args: string[],
  options: { benchmark?: boolean; python?: string; env?: Record<string, string | undefined> } = {},
): T {
  const env = { ...process.env };
  if (options.benchmark) {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  // Overrides; undefined removes a variable (a default configuration must not inherit the caller's).
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const out = execFileSync(options.python ?? PYTHON, [join(benchDir, script), ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as T;
}
