// End-to-end: `ddlab serve` in Debian's Chromium (playwright-core, /usr/bin/chromium), over a
// store written by real `ddlab run` processes. Screenshots go to artifacts/e2e/ for a person to
// look at. The render time of a 10 000-row sweep page is printed, not asserted.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabServer, type LabServer } from '../src/server/lab-server.js';
import { Store } from '../src/store/store.js';
import { BIN, readStore, sleep, start, tempDir, writeSpec } from './sweep-cli-helpers.js';

const ROOT = join(import.meta.dirname, '..');
const APP = join(ROOT, 'web', 'dist');
const ARTIFACTS = join(ROOT, 'artifacts', 'e2e');
const CHROMIUM = process.env.DDLAB_CHROMIUM ?? '/usr/bin/chromium';

/** What the app leaves on the window for tests: its vega views by figure name. */
interface LabWindow {
  ddlabViews: Map<
    string,
    { scale(name: string): { type: string } | undefined; data(name: string): unknown[] }
  >;
}

const cli = async (args: string[]) => (await promisify(execFile)('node', [BIN, ...args])).stdout;
const TINY = ['--n', '20', '--n-test', '10', '--no-progress', '--workers', '0'];

let dir: string;
let db: string;
let server: LabServer;
let browser: Browser;
let page: Page;
const ids: Record<string, string> = {};

/** A sweep of one trial with `rows` rows, written straight into the store (no need to compute it). */
function storeBigSweep(store: Store, rows: number): string {
  const config = { n: 5000, nTest: 100, features: 'auto' };
  const sweep = {
    id: 'b16b16b16b16',
    name: `rows-${rows}`,
    preset: 'rff',
    spec: { preset: 'rff', config, axes: {}, seeds: 1 },
    trials: [
      {
        id: 'b16b16b16b16b16b',
        index: 0,
        gridKey: '{}',
        axes: {},
        seed: 1,
        config: { ...config, dataset: 'mnist', seed: 1 },
      },
    ],
  };
  store.registerSweep(sweep, { note: 'synthetic, for the render-time measurement' });
  const points = Array.from({ length: rows }, (_, i) => {
    const features = i + 1;
    const r = features / 5000;
    return {
      features,
      parameters: features * 10,
      trainLoss: r < 1 ? 1 - r : 1e-20,
      testLoss: 1 + 1 / (Math.abs(1 - r) + 0.02),
      trainError: r < 1 ? 0.5 * (1 - r) : 0,
      testError: 0.1 + 0.3 / (1 + 20 * Math.abs(1 - r)),
      coefNorm: 1 + 1 / (Math.abs(1 - r) + 0.01),
    };
  });
  store.claimTrial(sweep.id, sweep.trials[0].id, 'test', 'test');
  store.completeTrial(sweep.id, sweep.trials[0].id, { points, summary: {}, summaryLines: [] }, 1, 'test');
  return sweep.id;
}

const sweepList = async () =>
  (await (await fetch(`${server.url}/api/sweeps`)).json()) as { id: string; name: string; preset: string }[];

async function sweepIdNamed(name: string): Promise<string> {
  return (await sweepList()).find((s) => s.name === name)!.id;
}

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  // `npm test` builds the app first; a lone run of this file builds it if it is missing.
  if (!existsSync(join(APP, 'index.html')))
    execFileSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT });
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = tempDir('ddlab-e2e-');
  db = join(dir, 'lab.db');
  await cli([
    'run',
    'rff',
    ...TINY,
    '--features',
    '5,10,20,40,80',
    '--seeds',
    '3',
    '--db',
    db,
    '--out',
    join(dir, 'a'),
  ]);
  ids.finished = await sweepIdFrom(db, 0);
  // One grid point fails (no such data set): its trial shows its error.
  const spec = writeSpec(dir, {
    name: 'with-a-failure',
    preset: 'rff',
    config: { n: 20, nTest: 10, features: [5, 10] },
    axes: { dataset: ['mnist', join(dir, 'no-such-data')] },
  });
  await cli(['run', spec, '--no-progress', '--workers', '0', '--db', db, '--out', join(dir, 'b')]).catch(
    () => undefined,
  );
  // A training preset, tiny: its per-epoch series feed the slider, heatmap and epoch curves.
  await cli([
    'run',
    'mlp-width',
    '--n',
    '100',
    '--n-test',
    '100',
    '--epochs',
    '3',
    '--set',
    'evalEvery=1',
    '--set',
    'batchSize=50',
    '--widths',
    '2,8',
    '--seeds',
    '2',
    '--no-progress',
    '--db',
    db,
    '--out',
    join(dir, 'c'),
  ]);
  const store = new Store(db);
  ids.big = storeBigSweep(store, 10_000);
  store.close();
  server = await startLabServer({ db, host: '127.0.0.1', port: 0, appDir: APP, cli: BIN, pollMs: 100 });
  ids.failing = await sweepIdNamed('with-a-failure');
  ids.training = (await sweepList()).find((s) => s.preset === 'mlp-width')!.id;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 1000 }, acceptDownloads: true });
  page.on('pageerror', (e) => console.error('page error:', e.message));
});

async function sweepIdFrom(dbPath: string, index: number): Promise<string> {
  const store = new Store(dbPath, { readonly: true });
  try {
    return store.sweeps()[index].id;
  } finally {
    store.close();
  }
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the lab in Chromium', () => {
  it('lists the sweeps with their counts', async () => {
    await page.goto(server.url);
    await page.waitForSelector(`tr[data-sweep="${ids.finished}"]`);
    const finished = page.locator(`tr[data-sweep="${ids.finished}"]`);
    expect(await finished.getAttribute('data-done')).toBe('3');
    expect(await finished.locator('td').nth(2).textContent()).toBe('rff');
    const failing = page.locator(`tr[data-sweep="${ids.failing}"]`);
    expect(await failing.locator('td.failed').textContent()).toBe('1');
    await expect.poll(() => page.locator('#live').textContent()).toBe('● live');
    await shot('sweeps-list');
  });

  it('draws a finished sweep with one mark per row, the threshold, and panels on and off', async () => {
    await page.click(`tr[data-sweep="${ids.finished}"] a`);
    await page.waitForSelector('.chart[data-figure="figure"][data-rendered="1"]');
    const report = await (await fetch(`${server.url}/api/sweeps/${ids.finished}/report`)).json();
    expect(report.points).toHaveLength(5);
    // Four panels, each with one point mark per row (the medians over seeds) and the threshold rule.
    const perPanel = await page.$$eval('.chart[data-figure="figure"] g.mark-symbol', (groups) =>
      groups.map((g) => g.querySelectorAll('path').length),
    );
    expect(perPanel).toEqual([5, 5, 5, 5]);
    expect(await page.locator('.chart[data-figure="figure"] g.mark-rule.role-mark').count()).toBe(4);
    // The IQR bands: one area per panel.
    expect(await page.locator('.chart[data-figure="figure"] g.mark-area.role-mark').count()).toBe(4);
    await shot('sweep-page');
    await page.screenshot({
      path: join(ARTIFACTS, 'sweep-page-top.png'),
      clip: { x: 0, y: 0, width: 1200, height: 1000 },
    });

    // Hovering a point shows its row with exact values.
    const first = page.locator('.chart[data-figure="figure"] g.mark-symbol').first().locator('path').first();
    await first.hover({ force: true });
    await page.waitForSelector('#vg-tooltip-element.visible');
    const tooltip = await page.locator('#vg-tooltip-element').textContent();
    expect(tooltip).toContain('testLoss_q3');
    expect(tooltip).toContain(String(report.points[0].features));

    await page.getByRole('checkbox', { name: 'coefficient norm ‖a‖' }).uncheck();
    await page.waitForSelector('.chart[data-figure="figure"][data-rendered="1"]');
    await expect.poll(() => page.locator('.chart[data-figure="figure"] g.mark-symbol').count()).toBe(3);
  });

  it('switches the y axes between the figure’s scales, all log and all linear', async () => {
    await page.getByRole('checkbox', { name: 'coefficient norm ‖a‖' }).check();
    const yTypes = () =>
      page.evaluate(() => {
        const view = (window as unknown as LabWindow).ddlabViews.get('figure')!;
        return [0, 1, 2, 3].map((i) => view.scale(`concat_${i}_y`)?.type);
      });
    const button = page.locator('button[data-axis="y"]');
    await expect.poll(yTypes).toEqual(['log', 'log', 'linear', 'linear']); // as the CLI draws it
    expect(await button.textContent()).toBe('y: as drawn');
    await button.click();
    await expect.poll(yTypes).toEqual(['log', 'log', 'log', 'log']);
    expect(await button.textContent()).toBe('y: log');
    await button.click();
    await expect.poll(yTypes).toEqual(['linear', 'linear', 'linear', 'linear']);
    expect(await button.textContent()).toBe('y: linear');
  });

  it('shows a failed trial’s error, and filters trials by status', async () => {
    await page.goto(`${server.url}/sweeps/${ids.failing}`);
    await page.waitForSelector('.trials tr.trial');
    expect(await page.locator('pre.error').textContent()).toMatch(/unknown data set .*no-such-data/);
    await page.selectOption('select[data-filter="status"]', 'done');
    expect(await page.locator('.trials tr.trial').count()).toBe(1);
    expect(await page.locator('pre.error').count()).toBe(0);
    await page.selectOption('select[data-filter="status"]', 'failed');
    expect(await page.locator('.trials tr.trial.failed').count()).toBe(1);
  });

  it('draws a training sweep’s epoch slider, width × epoch heatmap and epoch curves', async () => {
    await page.goto(`${server.url}/sweeps/${ids.training}`);
    await page.waitForSelector('.chart[data-figure="epoch-slider"][data-rendered="1"]');
    await page.waitForSelector('.chart[data-figure="epoch-heatmap"][data-rendered="1"]');
    const epochsShown = () =>
      page.evaluate(() => {
        const view = (window as unknown as LabWindow).ddlabViews.get('epoch-slider')!;
        return (view.data('data_0') as { epoch: number; width: number }[]).map(
          (r) => `${r.width}@${r.epoch}`,
        );
      });
    expect(await epochsShown()).toEqual(['2@3', '8@3']); // the last epoch first
    await page.locator('.chart[data-figure="epoch-slider"] input[type="range"]').fill('1');
    await expect.poll(epochsShown).toEqual(['2@1', '8@1']);
    // One cell per width and epoch.
    expect(await page.locator('.chart[data-figure="epoch-heatmap"] g.mark-rect.role-mark path').count()).toBe(
      6,
    );
    await shot('training-sweep');
  });

  it('follows a sweep that another process runs, on its own page', async () => {
    const spec = writeSpec(dir, {
      name: 'from-a-terminal',
      preset: 'rff',
      config: { n: 20, nTest: 10, features: [5, 10, 20] },
      seeds: 4,
    });
    const run = start(['run', spec, '--no-progress', '--workers', '1', '--db', db, '--out', join(dir, 'd')]);
    try {
      // The run is paused (SIGSTOP) as soon as it has registered its sweep, and resumed once the page
      // shows it: a tiny sweep would otherwise finish before the page opens on a loaded machine.
      const registered = () => readStore(db, (s) => s.sweeps().some((w) => w.name === 'from-a-terminal'));
      for (const t0 = Date.now(); !registered(); await sleep(2))
        if (Date.now() - t0 > 60_000) throw new Error('the run did not register its sweep within a minute');
      run.child.kill('SIGSTOP');
      await page.goto(server.url);
      const row = page.locator('tr', { has: page.locator('a', { hasText: 'from-a-terminal' }) });
      await row.locator('a').click();
      await page.waitForSelector('.meta .counts');
      const seen = new Set<string>();
      const doneShown = async () => {
        const done = (await page.locator('.meta .counts').getAttribute('data-done'))!;
        seen.add(done);
        return done;
      };
      expect(Number(await doneShown())).toBeLessThan(4);
      run.child.kill('SIGCONT');
      await expect.poll(doneShown, { timeout: 120_000, interval: 50 }).toBe('4');
      expect((await run.exited).code).toBe(0);
      expect(seen.size).toBeGreaterThan(1); // it moved while the page was open
      await page.waitForSelector('.chart[data-figure="figure"][data-rendered="1"]');
      const perPanel = await page.$$eval('.chart[data-figure="figure"] g.mark-symbol', (groups) =>
        groups.map((g) => g.querySelectorAll('path').length),
      );
      expect(perPanel).toEqual([3, 3, 3, 3]);
    } finally {
      run.child.kill('SIGCONT');
      run.child.kill();
    }
  });

  it('shows a 404 page for an unknown sweep', async () => {
    const res = await page.goto(`${server.url}/sweeps/abcdef123456`);
    expect(res!.status()).toBe(404);
    await page.waitForSelector('.not-found');
    expect(await page.locator('.not-found').textContent()).toContain("no sweep 'abcdef123456'");
  });

  it('starts a sweep from the form, follows it live to the end, and its CSV is ddlab export’s', async () => {
    await page.goto(`${server.url}/new`);
    await page.waitForSelector('form[data-ready="1"]');
    expect(await page.inputValue('input[name="n"]')).toBe('1000'); // the schema's default
    await page.fill('input[name="n"]', '-5');
    await page.fill('input[name="nTest"]', '10');
    await page.fill('input[name="features"]', '[5,10,20]');
    await page.fill('input[name="seeds"]', '2');
    await page.fill('input[name="name"]', 'from-the-form');
    await page.click('button[type="submit"]');
    await expect.poll(() => page.locator('[data-error="n"]').textContent()).toMatch(/^n .*got -5$/);
    await shot('start-form-error');
    await page.fill('input[name="n"]', '20');
    // A mark on the window: it survives only if the page never reloads.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/\?started=from-the-form/);
    const row = page.locator('tr', { has: page.locator('a', { hasText: 'from-the-form' }) });
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-done'), { timeout: 120_000 }).toBe('2');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    await shot('sweeps-list-after-form');

    const id = await sweepIdNamed('from-the-form');
    await row.locator('a').click();
    await page.waitForSelector('.chart[data-rendered="1"]');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export="csv"]')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toBe(await cli(['export', id, '--csv', '--db', db]));
    ids.form = id;
  });

  it('sends the token it was opened with, which a guarded lab requires', async () => {
    const guarded = await startLabServer({
      db,
      host: '127.0.0.1',
      port: 0,
      token: 'e2e-token',
      appDir: APP,
      cli: BIN,
    });
    const submitBadN = async (p: Page) => {
      await p.click('a[href="/new"]'); // within the app: the token stays with the tab
      await p.waitForSelector('form[data-ready="1"]');
      await p.fill('input[name="n"]', '-1');
      await p.click('button[type="submit"]');
    };
    const fresh = await browser.newPage();
    try {
      await page.goto(`${guarded.url}/?token=e2e-token`);
      expect(new URL(page.url()).search).toBe(''); // taken out of the address bar
      await submitBadN(page);
      // Past the guard: the server's validation answered.
      await expect.poll(() => page.locator('[data-error="n"]').textContent()).toMatch(/got -1$/);
      await fresh.goto(guarded.url);
      await submitBadN(fresh);
      await expect
        .poll(() => fresh.locator('[data-error="request"]').textContent())
        .toMatch(/needs its token/);
    } finally {
      await fresh.close();
      await guarded.close();
    }
  });

  it('compares two sweeps on one chart', async () => {
    await page.goto(`${server.url}/compare?ids=${ids.finished},${ids.form}`);
    await page.waitForSelector('.chart[data-figure="compare"][data-rendered="1"]');
    const legend = await page.$$eval('.chart[data-figure="compare"] .role-legend-label text', (t) =>
      t.map((x) => x.textContent),
    );
    expect(legend.sort()).toEqual(['from-the-form', await sweepName(ids.finished)].sort());
    // Not a run-directory figure: its SVG is drawn in the browser.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button[data-export="svg"]'),
    ]);
    expect(download.suggestedFilename()).toBe('compare.svg');
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('from-the-form');
    await shot('compare');
  });

  it('draws a sweep of 10 000 rows (time printed, not asserted)', async () => {
    const t0 = Date.now();
    await page.goto(`${server.url}/sweeps/${ids.big}`);
    await page.waitForSelector('.chart[data-figure="figure"][data-rendered="1"]', { timeout: 300_000 });
    const wall = Date.now() - t0;
    const renderMs = await page.getAttribute('.chart[data-figure="figure"]', 'data-render-ms');
    const rows = await page.evaluate(() => {
      const view = (window as unknown as LabWindow).ddlabViews.get('figure')!;
      return view.data('data_0').length;
    });
    expect(rows).toBe(10_000);
    console.log(
      `10 000-row sweep page: ${wall} ms from navigation to drawn chart (vega-embed ${renderMs} ms)`,
    );
    await shot('sweep-page-10000-rows');
  });
});

async function sweepName(id: string): Promise<string> {
  return (await sweepList()).find((s) => s.id === id)!.name;
}
