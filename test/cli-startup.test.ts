// What a command loads: each loads only the libraries it uses, because loading them is most of a
// small run's time (bullmq/ioredis, fastify, vega/vega-lite/resvg take seconds together). Checked on
// the compiled CLI in dist/ with a module-load hook (ES modules) and require's cache (CommonJS).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'ddlab.js');
const dir = mkdtempSync(join(tmpdir(), 'ddlab-startup-'));

// Every ES module URL the loader loads, and at exit every CommonJS file, one per line on stderr.
const HOOK = join(dir, 'loaded-modules.mjs');
writeFileSync(
  HOOK,
  `import { register, createRequire } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function load(url, context, next) {
  process.stderr.write('LOADED ' + url + '\\\\n');
  return next(url, context);
}\`));
const require = createRequire(import.meta.url);
process.on('exit', () => {
  for (const file of Object.keys(require.cache)) process.stderr.write('LOADED ' + file + '\\n');
});
`,
);

/** The npm packages the command loaded. */
async function packagesLoaded(args: string[]): Promise<Set<string>> {
  const { stderr } = await run('node', ['--import', HOOK, BIN, ...args], { maxBuffer: 64 << 20 });
  const packages = new Set<string>();
  for (const m of stderr.matchAll(/^LOADED .*?node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) packages.add(m[1]);
  return packages;
}

const REDIS = ['bullmq', 'ioredis'];
const SERVER = ['fastify', '@fastify/static'];
const FIGURES = ['vega', 'vega-lite', '@resvg/resvg-js'];

describe('what a command loads', () => {
  it('--help loads neither Redis nor the server nor the figure renderer, yaml or the progress bar', async () => {
    const loaded = await packagesLoaded(['--help']);
    expect(loaded.has('commander')).toBe(true); // the hook sees what is loaded
    for (const p of [...REDIS, ...SERVER, ...FIGURES, 'yaml', 'cli-progress'])
      expect(loaded).not.toContain(p);
  });

  it('a local run loads the figure renderer (it draws a figure) but not Redis or the server', async () => {
    const loaded = await packagesLoaded([
      ...['run', 'rff', '--n', '20', '--n-test', '20', '--features', '10,20', '--no-progress'],
      ...['--db', join(dir, 'ddlab.db'), '--out', join(dir, 'run')],
    ]);
    for (const p of FIGURES) expect(loaded).toContain(p);
    for (const p of [...REDIS, ...SERVER, 'yaml', 'cli-progress']) expect(loaded).not.toContain(p);
  });

  it('the libraries load when their command needs them: yaml for --print-spec', async () => {
    const loaded = await packagesLoaded(['run', 'rff', '--print-spec']);
    expect(loaded).toContain('yaml');
    for (const p of [...REDIS, ...SERVER, ...FIGURES]) expect(loaded).not.toContain(p);
  });
});
