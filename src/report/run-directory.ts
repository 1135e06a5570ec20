// The run directory of a sweep: what of a sweep in the store goes into it (results-files.ts writes
// the files) and its terminal summary. A single trial is reported as it is; several are aggregated
// over seeds per grid point (median line, IQR band).
import type { Preset, PresetResult } from '../experiments/preset.js';
import type { Sweep } from '../experiments/experiment.js';
import type { Store, TrialStatus } from '../store/store.js';
import { aggregate, flatten, type GridAggregate } from '../sweep/aggregate.js';
import type { VegaLiteSpec } from './figure-style.js';
import { figureFor } from './figures.js';
import { writeResultsFiles } from './results-files.js';

/**
 * Where `ddlab run` writes when not told: runs/<preset> for one trial, runs/<sweep name> for more.
 * The name becomes a slug, one folder inside runs/ whatever the spec says ('../../x' → 'x').
 */
export function defaultRunDirectory(sweep: Sweep, preset: Preset): string {
  return `runs/${sweep.trials.length === 1 ? preset.name : slug(sweep.name) || sweep.id}`;
}

/** Letters, digits, '.', '_' and '-' only; no leading or trailing dots or dashes. */
function slug(name: string): string {
  return name
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 100);
}

/** The sweep's trials aggregated over seeds, per grid point. */

export function sweepGrids(store: Store, sweepId: string, preset: Preset): GridAggregate[] {
  const trials = store.trials(sweepId).map((t) => ({
    ...t,
    points: t.status === 'done' ? store.points(sweepId, t.id) : [],
  }));
  return aggregate(trials, preset.indexKeys);
}

/** What a run directory holds, computed from the store: rows, summary, figures and series. */
export interface SweepReport {
  sweep: { id: string; name: string; trials: Record<'total' | TrialStatus, number> };
  config: Record<string, unknown>;
  points: Record<string, number>[];
  summary: Record<string, unknown>;
  /** Summary lines for the terminal. */
  lines: string[];
  figures: Record<string, VegaLiteSpec>;
  series: { trial: string; name: string; step: number; value: number }[];
}

/**
 * The report of a sweep in the store as it stands now (finished or not): `ddlab run` writes it to
 * the run directory and `ddlab serve` shows it, so both draw the same figures from the same rows.
 */
export function sweepReport(
  store: Store,
  sweep: { id: string; name: string; spec: unknown },
  preset: Preset,
): SweepReport {
  const trials = store.trials(sweep.id);
  const counts = { total: trials.length, done: 0, failed: 0, pending: 0, running: 0 };
  for (const t of trials) counts[t.status]++;
  const sweepInfo = { id: sweep.id, name: sweep.name, trials: counts };

  let points: Record<string, number>[];
  let summary: Record<string, unknown>;
  let lines: string[];
  const figures: Record<string, VegaLiteSpec> = {};
  if (trials.length === 1 && trials[0].status === 'done') {
    const t = trials[0];
    points = store.points(sweep.id, t.id);
    summary = t.summary?.summary ?? {};
    lines = t.summary?.lines ?? [];
    figures.figure = figureFor(preset.name, t.config, { points, summary, summaryLines: lines });
  } else {
    const grids = sweepGrids(store, sweep.id, preset);
    points = grids.flatMap(flatten);
    const gridSummaries = grids.map((g) => {
      const config = trials.find((t) => t.gridKey === g.gridKey)!.config;
      const median = g.ok > 0 && preset.summarizeRows ? preset.summarizeRows(config, flatten(g)) : undefined;
      return { g, config, median };
    });
    summary = {
      grids: gridSummaries.map(({ g, median }) => ({
        axes: g.axes,
        ok: g.ok,
        failed: g.failed,
        unfinished: g.unfinished,
        ...(median ? { medianCurve: median.summary } : {}),
      })),
    };
    lines = gridSummaries.flatMap(({ g, median }, k) => [
      `  ${gridPointLine(g, k)}`,
      ...(median ? ['  of the median curve over seeds:', ...median.summaryLines.map((l) => `  ${l}`)] : []),
    ]);
    gridSummaries.forEach(({ g, config }, k) => {
      if (g.ok === 0) return;
      const result: PresetResult = { points: flatten(g), summary: {}, summaryLines: [] };
      figures[grids.length === 1 ? 'figure' : `figure-${k + 1}`] = figureFor(preset.name, config, result);
    });
  }
  const config = trials.length === 1 ? trials[0].config : (sweep.spec as Record<string, unknown>);
  const series = trials.flatMap((t) => store.series(sweep.id, t.id).map((v) => ({ trial: t.id, ...v })));
  return { sweep: sweepInfo, config, points, summary, lines, figures, series };
}

/**
 * Writes the run directory of a finished (or stopped) sweep: results.json, results.csv, the figures
 * (figure.svg/png, or figure-k.svg/png per grid point) and series.csv. Returns the summary lines for
 * the terminal and the paths written.
 */
export async function writeRunDirectory(
  store: Store,
  sweep: Sweep,
  preset: Preset,
  outDir: string,
  provenance: Record<string, unknown>,
): Promise<{ lines: string[]; files: string[] }> {
  const r = sweepReport(store, sweep, preset);
  const written = await writeResultsFiles(
    outDir,
    {
      experiment: preset.name,
      config: r.config,
      sweep: r.sweep,
      points: r.points,
      summary: r.summary,
      provenance,
      series: r.series,
    },
    r.figures,
  );
  return { lines: r.lines, files: [written.json, written.csv, ...written.figures] };
}

/** 'grid point k (axis=value …): ok, failed[, unfinished]' — in run summaries and `ddlab show`. */
export function gridPointLine(g: GridAggregate, k: number): string {
  const axes = Object.entries(g.axes)
    .map(([a, v]) => `${a}=${JSON.stringify(v)}`)
    .join(' ');
  const status = `${g.ok} ok, ${g.failed} failed${g.unfinished ? `, ${g.unfinished} unfinished` : ''}`;
  return `grid point ${k + 1}${axes ? ` (${axes})` : ''}: ${status}`;
}
