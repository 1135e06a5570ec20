// Where a result came from: ddlab and runtime versions, the git commit (if run from a checkout),
// the host, the command line (without credentials), and when the run started and ended.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactUrl } from '../sweep/redis-url.js';

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

/** The code that runs: dist/src when built, src under vitest. */
const codeRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const codeVersions = new Map<string, string>();

/**
 * This build's identity, `<package version>-<hash>`, which binds Redis jobs to the code that runs
 * them. The hash is of the code itself (every .js/.ts file under `codeDir`), not the git commit: an
 * npm install has no commit, and a checkout with uncommitted edits runs other code than its commit.
 * A coordinator and its workers match exactly when they run the same build.
 */
export function codeVersion(codeDir = codeRoot): string {
  let version = codeVersions.get(codeDir);
  if (version === undefined) {
    const hash = createHash('sha256');
    for (const file of codeFiles(codeDir)) {
      hash.update(`${relative(codeDir, file)}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
    version = `${ddlabVersion()}-${hash.digest('hex').slice(0, 12)}`;
    codeVersions.set(codeDir, version);
  }
  return version;
}

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return codeFiles(path);
      return /\.(js|ts)$/.test(e.name) ? [path] : [];
    });
}

/** The command line with credentials out: URLs redacted, `--secret` values replaced by ***. */
export function redactCommand(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (args[i - 1] === '--secret') return '***';
    if (arg.startsWith('--secret=')) return '--secret=***';
    return arg.replace(/[a-z][a-z0-9+.-]*:\/\/\S*/gi, (url) => redactUrl(url));
  });
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

let environment: Record<string, unknown> | undefined;

/** Versions, commit and host, found once per process: a run asks at its start and at its end. */
function runEnvironment(): Record<string, unknown> {
  environment ??= {
    ddlab: ddlabVersion(),
    gitCommit: gitCommit(),
    node: process.version,
    onnxruntime: (require('onnxruntime-node/package.json') as { version: string }).version,
    host: hostname(),
    cpus: cpus().length,
    platform: `${process.platform}-${process.arch}`,
  };
  return environment;
}

export function provenance(started: Date, ended: Date): Record<string, unknown> {
  return {
    ...runEnvironment(),
    command: redactCommand(process.argv.slice(2)),
    started: started.toISOString(),
    ended: ended.toISOString(),
    seconds: (ended.getTime() - started.getTime()) / 1000,
  };
}
