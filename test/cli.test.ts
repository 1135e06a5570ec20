// End-to-end tests of the `ddlab` command (the compiled CLI in dist/, built by `npm test`).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../src/data/idx.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'ddlab.js');

async function ddlab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Every run gets a store of its own unless the test names one.
  const withDb =
    args[0] === 'run' && !args.includes('--db') ? [...args, '--db', join(tmp(), 'ddlab.db')] : args;
  try {
    const { stdout, stderr } = await run('node', [BIN, ...withDb], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ddlab-cli-'));
const SMALL = ['--n', '200', '--n-test', '300', '--features', '20,100,200,400,2000', '--no-progress'];

type Results = {
  experiment: string;
  config: Record<string, unknown>;
  points: Record<string, number>[];
  summary: Record<string, unknown>;
  provenance: Record<string, unknown>;
};

describe('ddlab run rff', () => {
  it('writes results.json, results.csv and the figure, and prints the summary', async () => {
    const out = join(tmp(), 'run');
    const r = await ddlab(['run', 'rff', ...SMALL, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/interpolation threshold\s+N = n = 200/);
    expect(r.stdout).toMatch(/coefficient norm peak\s+N = 200/);
    expect(r.stdout).toContain(join(out, 'results.json'));
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    expect(results.experiment).toBe('rff');
    expect(results.config).toMatchObject({
      n: 200,
      nTest: 300,
      sigma: 5,
      kind: 'rff',
      features: [20, 100, 200, 400, 2000],
    });
    expect(results.points.map((p) => p.features)).toEqual([20, 100, 200, 400, 2000]);
    for (const p of results.points) {
      for (const k of ['trainLoss', 'testLoss', 'trainError', 'testError', 'coefNorm', 'condition']) {
        expect(Number.isFinite(p[k]), k).toBe(true);
      }
    }
    // At and beyond N = n the model interpolates.
    expect(results.points[2].trainError).toBe(0);
    expect(results.points[4].trainLoss).toBeLessThan(1e-12);
    expect(results.summary).toMatchObject({ interpolationThreshold: 200, coefNormPeak: { features: 200 } });
    expect(results.provenance).toMatchObject({ ddlab: '0.1.0' });
    expect(typeof results.provenance.started).toBe('string');
    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(6);
    expect(csv[0].startsWith('features,trainLoss,testLoss,trainError,testError,coefNorm')).toBe(true);
    expect(readFileSync(join(out, 'figure.svg'), 'utf8').startsWith('<svg')).toBe(true);
    expect([...readFileSync(join(out, 'figure.png')).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('gives the same numbers for the same config and seed, and different ones for another seed', async () => {
    const numbers = async (seed: string) => {
      const out = join(tmp(), 'run');
      const r = await ddlab(['run', 'rff', ...SMALL, '--seed', seed, '--out', out]);
      expect(r.code).toBe(0);
      const { points } = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
      return points.map(({ seconds: _s, ...rest }) => rest);
    };
    const [a, b, c] = [await numbers('3'), await numbers('3'), await numbers('4')];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it.each([
    [['--n', 'abc'], /--n must be a positive integer, got 'abc'/],
    [['--n', '0'], /--n must be a positive integer, got '0'/],
    [['--n-test', '2.5'], /--n-test must be a positive integer/],
    [['--features', '100:10:5'], /--features '100:10:5': stop 10 is below start 100/],
    [['--features', '10,x'], /--features '10,x': 'x' is not a positive integer/],
    [['--sigma', '-1'], /--sigma must be a number in \(0, ∞\), got '-1'/],
    [['--label-noise', '1.5'], /--label-noise must be a number in \[0, 1\]/],
    [['--ridge', 'NaN'], /--ridge must be a number/],
    [['--kind', 'tanh'], /--kind.*tanh.*rff, relu/],
    [['--n', '70000'], /n = 70000 is larger than the 60000 training images of mnist/],
    [['--dataset', '/nonexistent/dir'], /\/nonexistent\/dir/],
    // Only decimal numbers: Number('0x10') would read 16.
    [['--sigma', '0x10'], /--sigma must be a number in \(0, ∞\), got '0x10'/],
    [['--set', 'ridge=0x10'], /--set ridge: expected a number, got '0x10'/],
    [['--set', 'sigmaa=3'], /rff: unknown config field 'sigmaa'/],
  ])('rejects %j with a message naming it, writing nothing', async (bad, message) => {
    const out = join(tmp(), 'run');
    const r = await ddlab(['run', 'rff', '--no-progress', '--features', '10,20', '--out', out, ...bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('reads --set values by the field type: text stays text, numbers and lists are parsed', async () => {
    const r = await ddlab([
      'run',
      'rff',
      '--print-spec',
      '--set',
      'kind=relu',
      '--set',
      'ridge=1e-3',
      '--set',
      'features=10:1000:3',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kind: relu/);
    expect(r.stdout).toMatch(/ridge: 0.001/);
    expect(r.stdout).toMatch(/features:\n\s+- 10\n\s+- 100\n\s+- 1000\n/);
    const list = await ddlab([
      'run',
      'mlp-width',
      '--print-spec',
      '--set',
      'widths=[8,2]',
      '--set',
      'reuse=true',
    ]);
    expect(list.stdout).toMatch(/widths:\n\s+- 2\n\s+- 8\n/);
    expect(list.stdout).toMatch(/reuse: true/);
  });

  it('`run PRESET --help` lists the fields from the schema; `schema PRESET` prints JSON Schema', async () => {
    const help = await ddlab(['run', 'igr-lr', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ddlab run igr-lr: /);
    expect(help.stdout).toMatch(/lrs\s+default \[0\.04,0\.06,0\.1,0\.16,0\.25,0\.4\]; list of number > 0/);
    expect(help.stdout).toMatch(/sgdBatch\s+default 32; integer ≥ 1\n\s+minibatch of the SGD mode/);
    const schema = await ddlab(['schema', 'emc']);
    expect(schema.code).toBe(0);
    const json = JSON.parse(schema.stdout) as {
      title: string;
      properties: Record<string, { default: unknown }>;
    };
    expect(json.title).toBe('emc');
    expect(json.properties.band.default).toBe(1.5);
    const bad = await ddlab(['schema', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/preset must be one of rff, /);
  });

  it('rejects an unknown preset', async () => {
    const r = await ddlab(['run', 'nope']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/'nope' is neither a preset .* nor a spec file/);
  });

  it('runs on a user IDX dataset and names a truncated file', async () => {
    const dir = tmp();
    const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name), bytes);
    const images = (count: number, seed: number) =>
      encodeIdx(
        [count, 4, 4],
        Uint8Array.from({ length: count * 16 }, (_, i) => (i * 37 + seed * 11) % 256),
      );
    const labels = (count: number) =>
      encodeIdx(
        [count],
        Uint8Array.from({ length: count }, (_, i) => i % 3),
      );
    write('train-images-idx3-ubyte', images(60, 1));
    write('train-labels-idx1-ubyte', labels(60));
    write('t10k-images-idx3-ubyte', images(30, 2));
    write('t10k-labels-idx1-ubyte', labels(30));
    const out = join(tmp(), 'run');
    const ok = await ddlab([
      'run',
      'rff',
      '--dataset',
      dir,
      '--n',
      '40',
      '--n-test',
      '30',
      '--features',
      '10,40,80',
      '--sigma',
      '100',
      '--no-progress',
      '--out',
      out,
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    expect(results.points).toHaveLength(3);

    const bad = join(tmp(), 'bad');
    mkdirSync(bad);
    for (const f of ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(bad, f), readFileSync(join(dir, f)));
    }
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), images(60, 1).subarray(0, 500));
    const r = await ddlab([
      'run',
      'rff',
      '--dataset',
      bad,
      '--n',
      '40',
      '--features',
      '10',
      '--no-progress',
      '--out',
      join(bad, 'run'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/train-images-idx3-ubyte.*truncated/);
    expect(existsSync(join(bad, 'run'))).toBe(false);
  });
});

describe('ddlab run mlp-width', () => {
  const TINY = ['--n', '100', '--n-test', '100', '--widths', '2,16', '--epochs', '2', '--no-progress'];
  // Plain SGD at a step of 10⁶ on the squared loss: the loss is NaN within the first epoch.
  const DIVERGING = ['--lr', '1e6', '--optimizer', 'sgd', '--set', 'loss=squared', '--set', 'batchSize=10'];

  it('writes the rows, the per-epoch series and the figure, and prints the summary', async () => {
    const out = join(tmp(), 'run');
    const r = await ddlab(['run', 'mlp-width', ...TINY, '--set', 'evalEvery=1', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/threshold \(params = n·K\)\s+width ≈ 1\.2/);
    expect(r.stdout).toMatch(/peak \(last epoch\)\s+width (2|16)/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results;
    expect(results.points.map((p) => p.width)).toEqual([2, 16]);
    const series = readFileSync(join(out, 'series.csv'), 'utf8').trim().split('\n');
    expect(series[0]).toBe('trial,name,step,value');
    // 2 widths × 2 epochs × 5 metrics.
    expect(series).toHaveLength(1 + 20);
    expect(series.some((l) => /,"testError w=16",2,/.test(l))).toBe(true);
    expect(existsSync(join(out, 'figure.png'))).toBe(true);
  });

  it('a diverging run fails with a clear error and writes no results', async () => {
    const out = join(tmp(), 'run');
    const r = await ddlab(['run', 'mlp-width', ...TINY, '--epochs', '20', ...DIVERGING, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /training diverged: the loss of the network of width \d+ \(learning rate 1000000, seed 1\) became/,
    );
    expect(existsSync(join(out, 'results.json'))).toBe(false);
  });

  it('a lane that diverges while the other lane trains ends with exit code 1, not an abort', async () => {
    // On 2+ cores the widths run in lanes ([2048] and [2, 4], by parameter count). The narrow lane
    // diverges at its first evaluation while the wide one is inside its epoch; closing its thread
    // then would make ONNX Runtime abort the process (exit 134), so the lanes settle first.
    const r = await ddlab([
      'run',
      'mlp-width',
      '--n',
      '2000',
      '--n-test',
      '100',
      '--widths',
      '2,4,2048',
      '--epochs',
      '2',
      ...DIVERGING,
      '--no-progress',
      '--out',
      join(tmp(), 'run'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/training diverged: the loss of the network of width \d+/);
  });

  it('rejects a width of 0 and an unknown optimizer before training', async () => {
    const zero = await ddlab(['run', 'mlp-width', '--widths', '0,4']);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toMatch(/--widths '0,4': '0' is not a positive integer/);
    const adagrad = await ddlab(['run', 'mlp-width', '--set', 'optimizer=adagrad']);
    expect(adagrad.code).toBe(1);
    expect(adagrad.stderr).toMatch(/optimizer must be one of sgd, adam, got 'adagrad'/);
  });
});
