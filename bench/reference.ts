// Runs a Python reference script of bench/ and returns its JSON output. The environment drops the
// OpenBLAS core-type overrides some machines set: they slow a current numpy (see the README).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');

export function runPython<T>(script: string, args: string[]): T {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const out = execFileSync('python3', [join(benchDir, script), ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as T;
}
