// The resnet-width preset: the ResNet18 width figure end to end on tiny CIFAR-format folders, its
// summary's regimes, determinism and named errors.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { summarizeResnetWidths } from '../src/experiments/networks/resnet-width-summary.js';
import type { Config, PresetResult, Row } from '../src/experiments/preset.js';
import { presetNamed } from '../src/experiments/presets.js';
import { Rng } from '../src/engine/random.js';
import { resnet18ParameterCount } from '../src/models/resnet18.js';
import { figureFor } from '../src/report/figures.js';
import { loadDatasetByName } from '../src/sweep/dataset-files.js';
import { compileVegaLite } from './helpers.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'ddlab.js');
const RECORD = 3073;

/** A CIFAR-10 batch file of `count` records with random labels and pixels. */
function cifarBatch(count: number, rng: Rng): Uint8Array {
  const bytes = new Uint8Array(count * RECORD);
  for (let r = 0; r < count; r++) {
    bytes[r * RECORD] = rng.int(10);
    for (let i = 1; i < RECORD; i++) bytes[r * RECORD + i] = rng.int(256);
  }
  return bytes;
}

/** A folder in CIFAR-10's binary layout: one small training batch and a test batch. */
function cifarFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ddlab-resnet-'));
  const rng = new Rng(11);
  writeFileSync(join(dir, 'data_batch_1.bin'), cifarBatch(48, rng));
  writeFileSync(join(dir, 'test_batch.bin'), cifarBatch(24, rng));
  return dir;
}

async function run(config: Config): Promise<{ config: Config; result: PresetResult }> {
  const preset = presetNamed('resnet-width');
  const resolved = preset.resolve(config);
  return { config: resolved, result: await preset.run(resolved, { loadDataset: loadDatasetByName }) };
}

const TINY = {
  n: 32,
  nTest: 24,
  widths: [1, 2],
  epochs: 2,
  evalEvery: 1,
  batchSize: 16,
  seeds: 2,
  downsample: 1,
};

describe('resnet-width', () => {
  it('runs `ddlab run resnet-width` on a CIFAR-format folder: rows, summary, results files and a figure', async () => {
    const dir = cifarFolder();
    const out = join(mkdtempSync(join(tmpdir(), 'ddlab-resnet-out-')), 'run');
    const sets = Object.entries({ ...TINY, dataset: dir }).flatMap(([k, v]) => [
      '--set',
      `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
    ]);
    const { stdout } = await promisify(execFile)(
      'node',
      [
        BIN,
        'run',
        'resnet-width',
        ...sets,
        '--out',
        out,
        '--db',
        join(out, '..', 'ddlab.db'),
        '--no-progress',
      ],
      { maxBuffer: 16 << 20 },
    );
    expect(stdout).toMatch(
      /pre-activation ResNet18 on .*ddlab-resnet-.*n = 32, label noise 0\.2, 2 epochs, median and IQR over 2 seeds/,
    );
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { points: Row[] };
    const points = results.points ?? (results as unknown as { rows: Row[] }).rows;
    expect(points.map((r) => r.width)).toEqual([1, 2]);
    // Three input channels (CIFAR), ten classes: the closed form of the model's count.
    expect(points.map((r) => r.parameters)).toEqual([1, 2].map((k) => resnet18ParameterCount(k, 3, 10)));
    for (const r of points) {
      expect(r.seeds).toBe(2);
      for (const key of ['trainError', 'testError', 'bestTestError']) {
        expect(r[key]).toBeGreaterThanOrEqual(0);
        expect(r[key]).toBeLessThanOrEqual(1);
      }
      expect(r.bestTestError).toBeLessThanOrEqual(r.testError);
    }
    expect(existsSync(join(out, 'figure.png'))).toBe(true);
  });

  it('is deterministic, gives a figure that compiles, and augments colour images only under auto', async () => {
    const dir = cifarFolder();
    const first = await run({ ...TINY, widths: [1], seeds: 1, dataset: dir });
    const again = await run({ ...TINY, widths: [1], seeds: 1, dataset: dir });
    expect(again.result.points).toEqual(first.result.points);
    compileVegaLite(figureFor('resnet-width', first.config, first.result));
    // 'auto' augments CIFAR's colour images: turning it off changes the training.
    const plain = await run({ ...TINY, widths: [1], seeds: 1, dataset: dir, augment: 'off' });
    expect(plain.result.points[0].trainLoss).not.toBe(first.result.points[0].trainLoss);
  });

  it('names bad input: a factor that does not divide the images, crops of 1-pixel-high signals', async () => {
    const dir = cifarFolder();
    await expect(run({ ...TINY, dataset: dir, downsample: 3 })).rejects.toThrow(
      /32×32 images do not divide by the factor 3/,
    );
    await expect(
      run({ ...TINY, dataset: 'mnist1d:samples=200,split=0.5', downsample: 1, augment: 'on' }),
    ).rejects.toThrow(/augment: pad 4 must be smaller than the image's height and width \(1×1×40\)/);
    expect(() => presetNamed('resnet-width').resolve({ downsample: 0 })).toThrow(/downsample/);
  });
});

describe('family resnet18 in the other width presets', () => {
  it('mlp-width trains ResNet18 widths with the ResNet trainer; squared loss and SAM are refused by name', async () => {
    const dir = cifarFolder();
    const mlpWidth = presetNamed('mlp-width');
    const { seeds: _seeds, downsample: _downsample, ...training } = TINY;
    const config = mlpWidth.resolve({
      ...training,
      dataset: dir,
      family: 'resnet18',
      widths: [1],
    });
    const result = await mlpWidth.run(config, { loadDataset: loadDatasetByName });
    expect(result.points.map((r) => r.parameters)).toEqual([resnet18ParameterCount(1, 3, 10)]);
    expect(result.points[0].testError).toBeLessThanOrEqual(1);
    for (const [field, value, message] of [
      ['loss', 'squared', /resnet18 trains with cross-entropy only, got loss 'squared'/],
      ['sam', 0.05, /resnet18 has no sharpness-aware minimization/],
    ] as const) {
      const bad = mlpWidth.resolve({ ...config, [field]: value });
      await expect(mlpWidth.run(bad, { loadDataset: loadDatasetByName })).rejects.toThrow(message);
    }
  });
});

describe('summarizeResnetWidths', () => {
  const row = (width: number, trainError: number, testError: number): Row => ({
    width,
    trainError,
    testError,
    testError_q1: testError - 0.01,
    testError_q3: testError + 0.01,
  });

  it('splits the widths into regimes where the train error crosses ε = 0.1 and finds the peak there', () => {
    const s = summarizeResnetWidths([
      row(1, 0.5, 0.4),
      row(2, 0.3, 0.35),
      row(4, 0.08, 0.45),
      row(8, 0, 0.42),
      row(16, 0, 0.3),
    ]);
    expect(s.emcWidth).toBe(4);
    expect(s.interpolationWidth).toBe(8);
    expect(s.underParameterized).toEqual([1, 2]);
    expect(s.critical).toEqual([4, 8]);
    expect(s.overParameterized).toEqual([16]);
    expect(s.classicalMinimum.width).toBe(2);
    expect(s.peak.width).toBe(4);
    expect(s.peakInCritical).toBe(true);
  });

  it('calls every width under-parameterized when none fits the training set', () => {
    const s = summarizeResnetWidths([row(1, 0.6, 0.5), row(2, 0.4, 0.45)]);
    expect(s.emcWidth).toBeNull();
    expect(s.underParameterized).toEqual([1, 2]);
    expect(s.critical).toEqual([]);
    expect(s.peakInCritical).toBe(false);
  });
});
