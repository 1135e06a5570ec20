import { compileVegaLite } from './helpers.js';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurvePoint } from '../src/probes/curve-point.js';
import { renderSvg, svgToPng } from '../src/report/render.js';
import { pointsToCsv, writeResultsFiles, type RunResults } from '../src/report/results-files.js';
import { rffFigureSpec } from '../src/report/rff-figure.js';

const n = 1000;
// A synthetic double-descent curve: peak at N = n, train loss 0 beyond it.
const points: CurvePoint[] = [50, 200, 500, 900, 1000, 1100, 2000, 6000].map((N) => {
  const peak = 1 / (Math.abs(1 - N / n) + 0.05);
  return {
    features: N,
    trainLoss: Math.max(0, 0.5 * (1 - N / n)),
    testLoss: 0.1 + 0.05 * peak,
    trainError: Math.max(0, 0.1 * (1 - N / n)),
    testError: 0.03 + 0.01 * peak,
    coefNorm: 3 * peak,
    condition: 1e3 * peak,
    ridge: 0.1 + 0.2, // extra probe column; 0.30000000000000004 tests full precision
    tiny: 1e-300,
  };
});
const spec = rffFigureSpec(points, { threshold: n, title: 'RFF test figure' });
const AXIS_TITLES = [
  'random features N',
  'test squared loss',
  'coefficient norm ‖a‖',
  'test zero-one error (%)',
  'train squared loss',
];

/** Tags nest properly: a cheap XML well-formedness check without an XML parser. */
function tagsBalanced(xml: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClose] of xml.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (close) {
      if (stack.pop() !== name) return false;
    } else if (!selfClose) stack.push(name);
  }
  return stack.length === 0;
}

const pngWidth = (png: Uint8Array) => new DataView(png.buffer, png.byteOffset).getUint32(16); // IHDR width

describe('rffFigureSpec', () => {
  it('compiles with vega-lite without warnings or errors', () => {
    const { messages, vega: vg } = compileVegaLite(spec);
    expect(messages).toEqual([]);
    // The points travel inline in the compiled spec.
    const inline = (vg.data ?? []).find(
      (d) => 'values' in d && Array.isArray(d.values) && d.values.length > 1,
    );
    expect(inline && 'values' in inline ? inline.values : undefined).toEqual(points);
  });
});

describe('rffFigureSpec with effective parameters', () => {
  // p_test rises to a peak at N = n and falls again past it, as a ridgeless fit's does.
  const withEffective = points.map((p) => ({
    ...p,
    effectiveTrain: Math.min(p.features, n),
    effectiveTest:
      p.features * (1 + 10 / (Math.abs(1 - p.features / n) + 0.05)) * (p.features > n ? n / p.features : 1),
  }));
  const effectiveSpec = rffFigureSpec(withEffective, { threshold: n, title: 'RFF with p_test' });

  it('compiles without warnings and adds a column against p_test, coloured by branch', async () => {
    expect(compileVegaLite(effectiveSpec).messages).toEqual([]);
    const svg = await renderSvg(effectiveSpec);
    for (const t of [...AXIS_TITLES, 'effective parameters p_test', 'effective parameters'])
      expect(svg).toContain(`>${t}<`);
    for (const label of ['below the threshold', 'at or above it', 'p_test', 'p_train = tr S'])
      expect(svg).toContain(`>${label}<`);
    // Four raw panels, the counts panel (two series), and loss and error against p_test.
    const symbols = [...svg.matchAll(/<g class="mark-symbol role-mark[^>]*>(.*?)<\/g>/g)];
    expect(symbols.length).toBeGreaterThan(4);
  });

  it('without them, is the four-panel figure alone', () => {
    expect('hconcat' in spec).toBe(false);
    expect('hconcat' in effectiveSpec).toBe(true);
  });
});

describe('render', () => {
  let svg: string;
  beforeAll(async () => {
    svg = await renderSvg(spec);
  });

  it('renders SVG with every axis title, one point mark per point per panel and a rule per panel', () => {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(tagsBalanced(svg)).toBe(true);
    for (const t of AXIS_TITLES) expect(svg).toContain(`>${t}<`);
    const symbols = [...svg.matchAll(/<g class="mark-symbol role-mark[^>]*>(.*?)<\/g>/g)];
    expect(symbols).toHaveLength(4);
    expect(symbols.map((m) => m[1].split('<path').length - 1)).toEqual([4, 4, 4, 4].map(() => points.length));
    expect(svg.match(/class="mark-rule role-mark/g)).toHaveLength(4);
  });

  it('rasterizes to a PNG at 2x the SVG width, with text drawn', () => {
    const png = svgToPng(svg);
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const svgWidth = Number(/^<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
    expect(pngWidth(png)).toBe(2 * svgWidth);
    expect(pngWidth(svgToPng(svg, { scale: 1 }))).toBe(svgWidth);
    // resvg silently skips text when no font matches; then stripping the text would change nothing.
    const noText = svg.replace(/<text\b[^>]*(?<!\/)>.*?<\/text>/g, ''); // skip empty <text/>
    expect(noText).not.toEqual(svg);
    expect(Buffer.from(svgToPng(noText)).equals(Buffer.from(png))).toBe(false);
  });
});

describe('writeResultsFiles', () => {
  let dir: string;
  const results: RunResults = {
    experiment: 'rff',
    config: { n, sigma: 5, seed: 1 },
    points,
    summary: { peakFeatures: 1000 },
    provenance: { version: '0.1.0' },
  };
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'ddlab-report-')), 'nested', 'run');
  });
  afterAll(async () => {
    await rm(join(dir, '..', '..'), { recursive: true, force: true });
  });

  it('writes json, csv, svg and png, and nothing else', async () => {
    const paths = await writeResultsFiles(dir, results, { figure: spec });
    expect(paths).toEqual({
      json: join(dir, 'results.json'),
      csv: join(dir, 'results.csv'),
      figures: [join(dir, 'figure.svg'), join(dir, 'figure.png')],
    });
    await writeResultsFiles(dir, results, { figure: spec }); // overwriting is fine too
    expect((await readdir(dir)).sort()).toEqual(['figure.png', 'figure.svg', 'results.csv', 'results.json']);
    expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(results);
    expect((await readFile(paths.figures[0], 'utf8')).startsWith('<svg')).toBe(true);
    expect([...(await readFile(paths.figures[1])).subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });

  it('writes a CSV whose values round-trip through Number()', async () => {
    const lines = (await readFile(join(dir, 'results.csv'), 'utf8')).trimEnd().split('\n');
    const header = lines[0].split(',');
    expect(header).toEqual([
      'features',
      'trainLoss',
      'testLoss',
      'trainError',
      'testError',
      'coefNorm',
      'condition',
      'ridge',
      'tiny',
    ]);
    expect(lines).toHaveLength(points.length + 1);
    const parsed = lines
      .slice(1)
      .map((l) => Object.fromEntries(l.split(',').map((c, i) => [header[i], Number(c)])));
    expect(parsed).toEqual(points);
  });

  it('keeps NaN and Infinity in the CSV and leaves missing columns empty', () => {
    const csv = pointsToCsv([
      { ...points[0], extra: NaN },
      { ...points[1], condition: Infinity },
    ]);
    const rows = csv.trimEnd().split('\n');
    expect(rows[0].endsWith(',extra,ridge,tiny')).toBe(true);
    expect(rows[1].split(',')[7]).toBe('NaN');
    expect(rows[2].split(',')[6]).toBe('Infinity');
    expect(rows[2].split(',')[7]).toBe('');
  });
});
