// The browser's rewrites of the run directory's figures (report/interactive-spec.ts) and the lab's
// own figures (compare, training series), checked on every preset's figure from the golden record
// of tiny runs: the rewritten specs compile and run in vega, and each rewrite does what it says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { compareFigureSpec } from '../src/report/compare-figure.js';
import type { VegaLiteSpec } from '../src/report/figure-style.js';
import { figureFor } from '../src/report/figures.js';
import {
  panelTitles,
  scaleType,
  withPanels,
  withScale,
  withSeriesToggles,
  withTooltips,
} from '../src/report/interactive-spec.js';
import {
  epochRows,
  epochSliderSpec,
  epochHeatmapSpec,
  epochCurvesSpec,
} from '../src/report/series-figures.js';
import { presetNamed } from '../src/experiments/presets.js';
import { rffFigureSpec } from '../src/report/rff-figure.js';
import type { CurvePoint } from '../src/probes/curve-point.js';

const GOLDEN = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'preset-golden.json'), 'utf8'),
) as Record<
  string,
  { config: Record<string, unknown>; points: Record<string, number>[]; summary: Record<string, unknown> }
>;

/** Runs the spec in a headless vega view: the compiled dataflow must evaluate, not only compile. */
async function run(spec: VegaLiteSpec) {
  const view = new vega.View(vega.parse(vl.compile(structuredClone(spec)).spec), { renderer: 'none' });
  await view.runAsync();
  return view;
}

/** All of the browser's rewrites at once, as the sweep page applies them. */
const interactive = (spec: VegaLiteSpec) =>
  withTooltips(withSeriesToggles(withScale(withScale(spec, 'x', 'linear'), 'y', 'log')));

describe('interactive figures', () => {
  for (const [key, golden] of Object.entries(GOLDEN)) {
    it(`${key}: the figure with tooltips, series toggles and switched scales runs in vega`, async () => {
      const preset = key.split('/')[0];
      // The golden configs predate some fields (and keep some retired ones): defaults under them.
      const config = { ...presetNamed(preset).resolve({}), ...golden.config };
      const spec = figureFor(preset, config, {
        points: golden.points,
        summary: golden.summary,
        summaryLines: [],
      });
      const view = await run(interactive(spec));
      view.finalize();
    });
  }

  const points = [5, 10, 20, 40].map((features, i) => ({
    features,
    parameters: features * 10,
    trainLoss: 1 / (i + 1),
    testLoss: 2 + i,
    testLoss_q1: 1.5 + i,
    testLoss_q3: 2.5 + i,
    testLoss_n: 3,
    trainError: 0.1,
    testError: 0.3,
    coefNorm: 1 + i,
  })) as unknown as CurvePoint[];
  const rff = rffFigureSpec(points, { threshold: 20, title: 'rff' });

  it('switches every y scale of the figure and reports the first', async () => {
    expect(scaleType(rff, 'y')).toBe('log'); // the test loss panel
    expect(scaleType(rff, 'x')).toBe('log');
    const linear = withScale(rff, 'y', 'linear');
    expect(scaleType(linear, 'y')).toBe('linear');
    const view = await run(linear);
    const types = [0, 1, 2, 3].map((i) => (view.scale(`concat_${i}_y`) as { type: string }).type);
    expect(types).toEqual(['linear', 'linear', 'linear', 'linear']);
    const asDrawn = await run(rff);
    expect([0, 1, 2, 3].map((i) => (asDrawn.scale(`concat_${i}_y`) as { type: string }).type)).toEqual([
      'log',
      'log',
      'linear',
      'linear',
    ]);
  });

  it('puts the row and its seed statistics in the tooltip, exact, and none on the threshold rule', () => {
    const spec = withTooltips(rff) as unknown as {
      vconcat: { layer: { mark: unknown; encoding: { tooltip?: unknown } }[] }[];
    };
    const [band, line, rule] = spec.vconcat[0].layer;
    expect(line.encoding.tooltip).toEqual([
      { field: 'features', type: 'quantitative', format: '.17~g' },
      { field: 'testLoss', type: 'quantitative', format: '.17~g' },
      { field: 'testLoss_q1', type: 'quantitative', format: '.17~g' },
      { field: 'testLoss_q3', type: 'quantitative', format: '.17~g' },
      { field: 'testLoss_n', type: 'quantitative', format: '.17~g' },
    ]);
    expect(band.encoding.tooltip).toBeDefined();
    expect(rule.encoding.tooltip).toBeUndefined();
  });

  it('binds a legend selection to each coloured view, with unique names', async () => {
    const golden = GOLDEN['mlp-width'];
    const spec = withSeriesToggles(
      figureFor('mlp-width', presetNamed('mlp-width').resolve(golden.config), {
        ...golden,
        summaryLines: [],
      }),
    );
    const params = JSON.stringify(spec).match(/"bind":"legend"/g) ?? [];
    expect(params).toHaveLength(2); // the error panel and the loss panel
    const names = [...JSON.stringify(spec).matchAll(/"name":"(series_\d+)"/g)].map((m) => m[1]);
    expect(new Set(names).size).toBe(2);
    (await run(spec)).finalize();
  });

  it('keeps each mark’s own opacity for the picked series (translucent bands stay translucent)', () => {
    const golden = GOLDEN['linear-gaussian'];
    const config = { ...presetNamed('linear-gaussian').resolve({}), ...golden.config };
    const spec = withSeriesToggles(figureFor('linear-gaussian', config, { ...golden, summaryLines: [] }));
    const toggled: { own: number; picked: number; faded: number }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(walk);
      if (v === null || typeof v !== 'object') return;
      const o = v as {
        mark?: { opacity?: number };
        encoding?: { opacity?: { condition: { value: number }; value: number } };
      };
      if (o.encoding?.opacity && typeof o.mark === 'object' && typeof o.mark.opacity === 'number')
        toggled.push({
          own: o.mark.opacity,
          picked: o.encoding.opacity.condition.value,
          faded: o.encoding.opacity.value,
        });
      Object.values(v).forEach(walk);
    };
    walk(spec);
    expect(toggled.length).toBeGreaterThan(0); // the IQR bands
    for (const t of toggled) {
      expect(t.picked).toBe(t.own);
      expect(t.faded).toBeLessThan(t.own);
    }
  });

  it('names the panels and shows only the ticked ones', () => {
    expect(panelTitles(rff)).toEqual([
      'test squared loss',
      'coefficient norm ‖a‖',
      'test zero-one error (%)',
      'train squared loss',
    ]);
    const two = withPanels(rff, [true, false, false, true]) as unknown as { vconcat: unknown[] };
    expect(two.vconcat).toHaveLength(2);
    expect(panelTitles(two as unknown as VegaLiteSpec)).toEqual(['test squared loss', 'train squared loss']);
  });
});

describe('the lab’s own figures', () => {
  it('compares one metric of several sweeps, one colour per sweep', async () => {
    const rows = (shift: number) =>
      [10, 20, 40].map((width) => ({ width, testError: 0.1 * shift + width / 100 }));
    const spec = compareFigureSpec(
      [
        { label: 'noise 0', rows: rows(0) },
        { label: 'noise 0.2', rows: rows(2) },
      ],
      { x: 'width', metric: 'testError', logX: true },
    );
    const view = await run(spec);
    expect(view.data('source_0')).toHaveLength(6);
    expect(view.scale('color').domain()).toEqual(['noise 0', 'noise 0.2']);
    expect((view.scale('x') as { type: string }).type).toBe('log');
  });

  const series = [
    ...[1, 2, 3].flatMap((step) => [
      { trial: 'a', name: 'testError w=4', step, value: 0.5 / step },
      { trial: 'b', name: 'testError w=4', step, value: 0.7 / step },
      { trial: 'c', name: 'testError w=4', step, value: 0.9 / step },
      { trial: 'a', name: 'testError w=16', step, value: 0.2 / step },
    ]),
    { trial: 'a', name: 'testError n=10 w=4', step: 1, value: 9 }, // samplewise's names: not width curves
  ];

  it('reduces per-epoch series to medians and IQRs over seeds per metric, width and epoch', () => {
    const rows = epochRows(series);
    expect(rows).toHaveLength(6);
    const w4e1 = rows.find((r) => r.width === 4 && r.epoch === 1)!;
    expect(w4e1).toMatchObject({ metric: 'testError', value: 0.7, seeds: 3 });
    expect(w4e1.q1).toBeCloseTo(0.6, 12);
    expect(w4e1.q3).toBeCloseTo(0.8, 12);
    expect(rows.find((r) => r.width === 16 && r.epoch === 3)).toMatchObject({ seeds: 1, value: 0.2 / 3 });
  });

  it('draws the width curve at the epoch of the slider, the heatmap and the epoch curves', async () => {
    const rows = epochRows(series);
    const slider = await run(epochSliderSpec(rows, 'testError'));
    expect(slider.signal('epoch')).toBe(3); // starts at the last epoch
    const at = () => (slider.data('data_0') as { epoch: number }[]).map((r) => r.epoch);
    expect(at()).toEqual([3, 3]);
    await slider.signal('epoch', 1).runAsync();
    expect(at()).toEqual([1, 1]);
    for (const spec of [epochHeatmapSpec(rows, 'testError'), epochCurvesSpec(rows, 'testError')])
      (await run(spec)).finalize();
  });

  it('slides by position when the epochs were recorded unevenly', async () => {
    const uneven = epochRows(series.map((s) => (s.step === 3 ? { ...s, step: 10 } : s)));
    const spec = epochSliderSpec(uneven, 'testError') as unknown as {
      params: { value: number; bind: { max: number } }[];
    };
    expect(spec.params[0].value).toBe(2); // epochs 1, 2, 10: positions 0, 1, 2
    expect(spec.params[0].bind.max).toBe(2);
  });
});
