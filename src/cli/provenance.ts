// Where a result came from: ddlab and runtime versions, the git commit (if run from a checkout),
// the host, and when the run started and ended.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The nearest folder above `dir` with a package.json (works from src/ under vitest and from dist/). */
function findPackageRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the ddlab package.json');
    dir = up;
  }
  return dir;
}

export function ddlabVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

export function provenance(started: Date, ended: Date): Record<string, unknown> {
  const ort = (require('onnxruntime-node/package.json') as { version: string }).version;
  return {
    ddlab: ddlabVersion(),
    gitCommit: gitCommit(),
    node: process.version,
    onnxruntime: ort,
    host: hostname(),
    cpus: cpus().length,
    platform: `${process.platform}-${process.arch}`,
    command: process.argv.slice(2),
    started: started.toISOString(),
    ended: ended.toISOString(),
    seconds: (ended.getTime() - started.getTime()) / 1000,
  };
}
