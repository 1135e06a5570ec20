// `npm run bench -- web-lab`: the static web lab's speed in Chromium against the goals, beside
// the same computation in Node (onnxruntime-node) run back to back:
//  - a polynomial page update (fits + train/test curve of degrees 0 … 60 at n = 20, drawn) ≤ 100 ms;
//  - a random-features curve at n = 500 with 20 sizes up to N = 10n (plus N = n) ≤ 10 s;
//  - networks live: ≥ 5 epochs/s for 10 widths (the page's default list, 4 … 512) on 4000 samples.
// Chromium runs ORT-web in one WASM thread from a plain static host, and in as many as the page
// may use (≤ 4) when it is cross-origin isolated (as under `ddlab serve`).
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { polynomialPreset, runPolynomial } from '../src/experiments/classical/polynomial.js';
import { polynomialFitsPreset, runPolynomialFits } from '../src/experiments/classical/polynomial-fits.js';
import { rffPreset, runRff } from '../src/experiments/random-features/rff.js';
import { idxPathsInDir, loadIdxDataset } from '../src/sweep/dataset-files.js';
import { networksLiveConfig, runNetworksLive } from '../src/experiments/networks/live-width-sweep.js';
import { ENGINE } from '../src/experiments/networks/width-sweep.js';
import { staticHost } from '../test/static-host.js';
import '../test/web-lab-window.js';
import { benchWebGemm } from './web-gemm.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LAB = join(ROOT, 'web', 'dist', 'lab');
const POLY_UPDATES = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;

async function waitDone(page: Page): Promise<void> {
  await page.waitForFunction(
    () => document.querySelector('#status')?.getAttribute('data-state') === 'done',
    null,
    {
      timeout: 600_000,
    },
  );
}

/** Seconds of each polynomial page update after a noise slider move (curve + fits drawn). */
async function polynomialUpdates(page: Page, url: string): Promise<number[]> {
  await page.goto(`${url}polynomials.html?draws=0`);
  await waitDone(page);
  const times: number[] = [];
  for (let i = 1; i <= POLY_UPDATES; i++) {
    const noise = (0.2 + i / 100).toFixed(2);
    await page.locator('input[name=noise]').fill(noise);
    await page.waitForFunction(
      (v) =>
        window.ddlabLab?.state.noise === v &&
        document.querySelector('#status')?.getAttribute('data-state') === 'done',
      Number(noise),
    );
    times.push((await page.evaluate(() => window.ddlabLab!.curveSeconds!)) as number);
  }
  return times;
}

async function rffCurve(
  page: Page,
  url: string,
): Promise<{ seconds: number; threads: number; points: number }> {
  await page.goto(`${url}random-features.html?n=500&sizes=20&ratio=10`);
  await waitDone(page);
  return page.evaluate(() => ({
    seconds: window.ddlabLab!.seconds!,
    threads: window.ddlabLab!.threads!,
    points: window.ddlabLab!.rows.length,
  }));
}

const NET_EPOCHS = 10;
const NET_INPUT = {
  widths: [4, 8, 16, 24, 32, 48, 64, 128, 256, 512],
  n: 4000,
  nTest: 1000,
  labelNoise: 0.2,
  lr: 0.01,
  epochs: NET_EPOCHS,
  batchSize: 128,
  seed: 1,
};

/** Networks live at n = 4000: epochs per second after the first (which builds the sessions). */
async function networksSpeed(page: Page, url: string): Promise<{ epochsPerSecond: number; threads: number }> {
  await page.goto(`${url}networks.html?n=4000&epochs=${NET_EPOCHS}`);
  await waitDone(page);
  return page.evaluate(() => ({
    epochsPerSecond: (window.ddlabLab!.summary as { epochsPerSecond: number }).epochsPerSecond,
    threads: window.ddlabLab!.threads!,
  }));
}

export async function benchWebLab(): Promise<void> {
  console.log('Web lab in Chromium (the machine and its load are printed above)');
  const browser = await chromium.launch({
    executablePath: process.env.DDLAB_CHROMIUM ?? '/usr/bin/chromium',
  });
  console.log(`browser: Chromium ${browser.version()}, ORT-web (WASM, f64)`);
  try {
    await benchWebGemm(browser);
    // Node, the same work: the polynomial page's first pass and the rff curve.
    const polyConfig = polynomialPreset.resolve({
      n: 20,
      noise: 0.2,
      maxDegree: 60,
      draws: 0,
      nTest: 200,
      effectiveParameters: false,
    });
    const fitsConfig = polynomialFitsPreset.resolve({
      n: 20,
      noise: 0.2,
      nTest: 200,
      degrees: [1, 3, 19],
      gridSize: 200,
    });
    await runPolynomial(polyConfig); // warm-up: sessions
    const nodePoly: number[] = [];
    for (let i = 0; i < POLY_UPDATES; i++) {
      const t = performance.now();
      await runPolynomial(polyConfig);
      await runPolynomialFits(fitsConfig);
      nodePoly.push((performance.now() - t) / 1000);
    }
    const data = loadIdxDataset(idxPathsInDir(join(LAB, 'mnist')), 'mnist subset');
    const rffConfig = rffPreset.resolve({ n: 500, nTest: 1000, features: '50:5000:20' });
    const t = performance.now();
    await runRff(rffConfig, data);
    const nodeRff = (performance.now() - t) / 1000;
    let netFirst = 0;
    // One ORT thread, as the page's plain-host row (ENGINE: the width presets' engine).
    await runNetworksLive(
      networksLiveConfig(NET_INPUT),
      (_rows, epoch) => {
        if (epoch === 1) netFirst = performance.now();
      },
      ENGINE,
    );
    const nodeNet = (NET_EPOCHS - 1) / ((performance.now() - netFirst) / 1000);

    const rows: [string, string, string, string][] = [];
    for (const isolate of [false, true]) {
      const host = await staticHost(LAB, { isolate });
      const page = await browser.newPage();
      try {
        const poly = await polynomialUpdates(page, host.url);
        const rff = await rffCurve(page, host.url);
        const net = await networksSpeed(page, host.url);
        const how = isolate ? `Chromium, isolated, ${rff.threads} threads` : 'Chromium, 1 thread';
        rows.push([
          `polynomial update (median of ${POLY_UPDATES}; goal ≤ 100 ms)`,
          how,
          ms(median(poly)),
          `min ${ms(Math.min(...poly))}`,
        ]);
        rows.push([
          `rff n = 500, ${rff.points} sizes to N = 10n (goal ≤ 10 s)`,
          how,
          `${rff.seconds.toFixed(1)} s`,
          '',
        ]);
        rows.push([
          `networks live, 10 widths on 4000 samples (goal ≥ 5 epochs/s)`,
          how,
          `${net.epochsPerSecond.toFixed(2)} epochs/s`,
          `mean of epochs 2 … ${NET_EPOCHS}`,
        ]);
      } finally {
        await page.close();
        await host.close();
      }
    }
    rows.push([
      `polynomial update (median of ${POLY_UPDATES})`,
      'Node, onnxruntime-node',
      ms(median(nodePoly)),
      `min ${ms(Math.min(...nodePoly))}`,
    ]);
    rows.push(['rff n = 500, 21 sizes to N = 10n', 'Node, onnxruntime-node', `${nodeRff.toFixed(1)} s`, '']);
    rows.push([
      'networks live, 10 widths on 4000 samples',
      'Node, onnxruntime-node, 1 thread',
      `${nodeNet.toFixed(2)} epochs/s`,
      `mean of epochs 2 … ${NET_EPOCHS}`,
    ]);
    const widths = [0, 1, 2, 3].map((j) => Math.max(...rows.map((r) => r[j].length)));
    for (const r of rows) console.log(r.map((c, j) => c.padEnd(widths[j])).join('  '));
    console.log(
      '(a polynomial update: the train/test curve of degrees 0 … 60 and the fits of 3 degrees, computed and drawn in the page; the bias²/variance pass that follows is not in it)',
    );
  } finally {
    await browser.close();
  }
}
