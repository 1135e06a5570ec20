// Writes one run's artifacts: results.json, results.csv, figure.svg, figure.png (and series.csv).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VegaLiteSpec } from './figure-style.js';

export type RunResults = {
  experiment: string;
  config: Record<string, unknown>;
  points: Record<string, number>[];
  summary: Record<string, unknown>;
  /** Per-epoch series of training presets (trial id, series name, step, value): written to series.csv. */
  series?: { trial: string; name: string; step: number; value: number }[];
  /** For sweeps: the sweep's id, name and trial counts. */
  sweep?: Record<string, unknown>;
  provenance: Record<string, unknown>;
};

// vega, vega-lite and the rasterizer load only when a figure is drawn (most commands draw none),
// once per process. Half a second of compiling: `ddlab run` starts it while the trials run.
let renderer: ReturnType<typeof importRenderer> | undefined;
const importRenderer = () => import('./render.js');

/** The figure renderer's module, loaded on the first call. */
export function loadRenderer(): ReturnType<typeof importRenderer> {
  renderer ??= importRenderer();
  return renderer;
}

const LEADING = ['features', 'trainLoss', 'testLoss', 'trainError', 'testError', 'coefNorm'];

/** CSV with a stable header: a curve's main columns first (those present), then every other key sorted. */
export function pointsToCsv(points: Record<string, number>[]): string {
  const rest = new Set(points.flatMap((p) => Object.keys(p)));
  const leading = LEADING.filter((k) => rest.has(k));
  for (const k of leading) rest.delete(k);
  const header = [...leading, ...[...rest].sort()];
  // String(x) keeps full precision and round-trips through Number() (NaN, Infinity too).
  const rows = points.map((p) => header.map((k) => (p[k] === undefined ? '' : String(p[k]))).join(','));
  return [header.join(','), ...rows].join('\n') + '\n';
}

// Temp file in the same dir + rename: a crash never leaves a half-written file under the final name.
async function writeAtomic(path: string, data: string | Uint8Array): Promise<string> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return path;
}

/**
 * Writes results.json, results.csv, series.csv (if there are series) and `<name>.svg/png` for each
 * named figure into `dir`. Returns the paths written.
 */
export async function writeResultsFiles(
  dir: string,
  results: RunResults,
  figures: Record<string, VegaLiteSpec>,
): Promise<{ json: string; csv: string; figures: string[] }> {
  await mkdir(dir, { recursive: true });
  const csv = await writeAtomic(join(dir, 'results.csv'), pointsToCsv(results.points));
  const written: string[] = [];
  const { series, ...jsonResults } = results;
  if (series && series.length > 0) {
    const lines = series.map((v) => `${v.trial},${JSON.stringify(v.name)},${v.step},${String(v.value)}`);
    written.push(
      await writeAtomic(join(dir, 'series.csv'), ['trial,name,step,value', ...lines].join('\n') + '\n'),
    );
  }
  const { renderSvg, svgToPng } = await loadRenderer();
  for (const [name, spec] of Object.entries(figures)) {
    const svgText = await renderSvg(spec);
    written.push(await writeAtomic(join(dir, `${name}.svg`), svgText));
    written.push(await writeAtomic(join(dir, `${name}.png`), svgToPng(svgText)));
  }
  // results.json last: its presence marks a complete run directory.
  const json = await writeAtomic(join(dir, 'results.json'), JSON.stringify(jsonResults, null, 2) + '\n');
  return { json, csv, figures: written };
}
