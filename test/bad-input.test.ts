// Bad input to the compiled CLI (dist/, built by `npm test`), one row per case: the command line,
// the exit code and a fragment of the message. Every refusal has one form, the README's: stderr is
// `ddlab: error: <message>` (continuation lines indented, for several spec problems), with no help
// after it and nothing on stdout.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../src/data/idx.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ddlab.js');

/** The folder the CLI runs in: fixtures are named relative to it, as a user would type them. */
let cwd: string;

const IDX_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/** A small valid IDX data set in `dir` (4 × 4 images, labels 0–9); `replace` swaps files by name. */
function idxDataset(dir: string, replace: Record<string, Uint8Array> = {}): void {
  mkdirSync(join(cwd, dir));
  const images = (count: number) =>
    encodeIdx(
      [count, 4, 4],
      Uint8Array.from({ length: count * 16 }, (_, i) => (i * 37) % 256),
    );
  const labels = (count: number) =>
    encodeIdx(
      [count],
      Uint8Array.from({ length: count }, (_, i) => i % 10),
    );
  const files: Record<string, Uint8Array> = {
    [IDX_NAMES.trainImages]: images(50),
    [IDX_NAMES.trainLabels]: labels(50),
    [IDX_NAMES.testImages]: images(30),
    [IDX_NAMES.testLabels]: labels(30),
  };
  for (const [name, bytes] of Object.entries(replace)) {
    delete files[name.replace(/\.gz$/, '')];
    files[name] = bytes;
  }
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(cwd, dir, name), bytes);
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'ddlab-bad-input-'));
  const labels = Uint8Array.from({ length: 50 }, (_, i) => (i === 7 ? 200 : i % 10));
  idxDataset('label-200', { [IDX_NAMES.trainLabels]: encodeIdx([50], labels) });
  idxDataset('empty-file', { [IDX_NAMES.testLabels]: new Uint8Array(0) });
  // A gzip bomb: the header announces 50 labels, the stream inflates to 64 MiB.
  const bomb = new Uint8Array(64 << 20);
  bomb.set(encodeIdx([50], new Uint8Array(50)));
  idxDataset('gzip-bomb', { [`${IDX_NAMES.trainLabels}.gz`]: gzipSync(bomb) });
  // Cut inside its trailer: the header inflates, the stream does not end.
  const gz = gzipSync(encodeIdx([30], new Uint8Array(30)));
  idxDataset('gzip-cut', { [`${IDX_NAMES.testLabels}.gz`]: gz.subarray(0, gz.length - 4) });
  writeFileSync(join(cwd, 'corrupt.db'), Buffer.alloc(8192, 'not a SQLite file '));
  const specs: Record<string, string> = {
    'nan-seeds.yaml': 'preset: rff\nseeds: .nan\n',
    'nan-seed.yaml': 'preset: rff\nconfig:\n  seed: .nan\n',
    'nan-axis.yaml': 'preset: rff\naxes:\n  sigma: { from: .nan, to: 3, count: 2 }\n',
    'proto.yaml': 'preset: rff\nconfig:\n  __proto__: 5\n  n: 100\n',
    'proto.json': '{ "preset": "rff", "config": { "__proto__": { "n": 5 } } }',
    'proto-axis.yaml': 'preset: rff\naxes:\n  __proto__: [1, 2]\n',
    'constructor.yaml': 'preset: constructor\n',
    'bad-field.yaml': 'preset: rff\nconfig:\n  n: -5\n',
    'bad-top.yaml': 'preset: rff\nseed: 3\n',
  };
  for (const [name, text] of Object.entries(specs)) writeFileSync(join(cwd, name), text);
});

async function ddlab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [BIN, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const RFF = ['run', 'rff', '--no-progress', '--n', '20', '--n-test', '10', '--features', '5,10'];

describe('bad input', () => {
  it.each<[string, string[], number, string]>([
    // Data files.
    [
      'IDX label outside 0–9',
      [...RFF, '--dataset', 'label-200'],
      1,
      `label-200/${IDX_NAMES.trainLabels}: label 200 at index 7`,
    ],
    [
      'gzip inflating past its IDX header',
      [...RFF, '--dataset', 'gzip-bomb'],
      1,
      `gzip-bomb/${IDX_NAMES.trainLabels}.gz: inflates to more than the 58 bytes`,
    ],
    [
      'truncated gzip',
      [...RFF, '--dataset', 'gzip-cut'],
      1,
      `gzip-cut/${IDX_NAMES.testLabels}.gz: not a valid gzip file`,
    ],
    [
      'zero-size IDX file',
      [...RFF, '--dataset', 'empty-file'],
      1,
      `empty-file/${IDX_NAMES.testLabels}: truncated header`,
    ],
    // Sizes that no typed array holds.
    ['huge --features', ['run', 'rff', '--features', '1:100000000000:3'], 1, 'features up to 100000000000'],
    ['huge --widths', ['run', 'mlp-width', '--widths', '1:100000000000:3'], 1, 'widths up to 100000000000'],
    // The store.
    [
      '--db that is not SQLite',
      [...RFF, '--db', 'corrupt.db'],
      1,
      'corrupt.db is not a ddlab store (file is not a database)',
    ],
    ['--db in a missing folder', [...RFF, '--db', 'no/such/folder.db'], 1, 'no/such/folder.db'],
    // Spec files.
    [
      'YAML .nan as seeds',
      ['run', 'nan-seeds.yaml', '--print-spec'],
      1,
      'seeds: must be a count of seeds from 1 to 10000, or a non-empty list of integer seeds (got NaN)',
    ],
    ['YAML .nan as config.seed', ['run', 'nan-seed.yaml'], 1, 'config.seed must be an integer, got NaN'],
    ['YAML .nan in an axis range', ['run', 'nan-axis.yaml', '--print-spec'], 1, '"from":NaN'],
    [
      '__proto__ config field (YAML)',
      ['run', 'proto.yaml', '--print-spec'],
      1,
      "rff: unknown config field '__proto__'",
    ],
    [
      '__proto__ config field (JSON)',
      ['run', 'proto.json', '--print-spec'],
      1,
      "rff: unknown config field '__proto__'",
    ],
    [
      '__proto__ axis',
      ['run', 'proto-axis.yaml', '--print-spec'],
      1,
      "rff: unknown config field '__proto__'",
    ],
    ['preset: constructor', ['run', 'constructor.yaml', '--print-spec'], 1, 'preset: must be one of rff,'],
    [
      'bad config field in a spec',
      ['run', 'bad-field.yaml', '--print-spec'],
      1,
      'n must be a positive integer, got -5',
    ],
    ['unknown top-level spec field', ['run', 'bad-top.yaml', '--print-spec'], 1, 'Unrecognized key: "seed"'],
    // Options: commander's own errors and ours.
    ['unknown option', ['run', 'rff', '--bogus'], 1, "unknown option '--bogus'"],
    ['missing argument', ['run'], 1, "missing required argument 'preset|spec-file'"],
    ['bad choice', ['run', 'rff', '--kind', 'tanh'], 1, 'Allowed choices are rff, relu'],
    ['unknown command', ['frobnicate'], 1, "unknown command 'frobnicate'"],
    ['bad --n', ['run', 'rff', '--n', '0'], 1, "--n must be a positive integer, got '0'"],
    ['hex --sigma', ['run', 'rff', '--sigma', '0x10'], 1, "--sigma must be a number in (0, ∞), got '0x10'"],
    ['unknown preset', ['run', 'nope'], 1, "'nope' is neither a preset"],
    ['unknown field via --set', ['run', 'rff', '--set', 'sigmaa=3'], 1, "rff: unknown config field 'sigmaa'"],
    ['mnist1d-width without seeds', ['run', 'mnist1d-width', '--set', 'seeds=0'], 1, 'seeds must be'],
    [
      'mnist1d-width with an unknown init',
      ['run', 'mnist1d-width', '--set', 'init=kaiming'],
      1,
      'init must be one of he, glorot, kaiming-uniform',
    ],
  ])('%s', async (_name, args, code, message) => {
    const r = await ddlab(args);
    expect(r.stderr).toContain(message);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    const [first, ...rest] = r.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^ddlab: error: \S/);
    for (const line of rest) expect(line).toMatch(/^ {2}\S/);
  });

  it('--help prints the help and exits 0', async () => {
    const r = await ddlab(['run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ddlab run \[options\] <preset\|spec-file>/);
    expect(r.stderr).toBe('');
  });
});
