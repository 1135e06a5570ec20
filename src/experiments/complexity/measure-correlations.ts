// Which complexity measure tracks test error along a double-descent sweep? For each sweep and each
// seed, Spearman's rank correlation between a measure and the test error over the model sizes; then
// the median and the quartiles of that correlation over the seeds. Rows carry the sweep as an index
// into SWEEPS (rows are numbers only), the model size and the repetition r (seed·2²⁰ + r).
import { rankCorrelation } from '../common/rank-correlation.js';
import { stats } from '../common/statistics.js';
import type { Row } from '../preset.js';

export const SWEEPS = ['rff', 'polynomial', 'mlp'] as const;
export type SweepName = (typeof SWEEPS)[number];

export interface SweepMeasures {
  /** What the size is along this sweep. */
  size: string;
  /** The column the measures are correlated with, and its name in the table. */
  target: string;
  targetLabel: string;
  measures: string[];
}

const LINEAR_SMOOTHER = ['parameters', 'coefNorm', 'effectiveTrain', 'effectiveTest'];

export const SWEEP_MEASURES: Record<SweepName, SweepMeasures> = {
  rff: { size: 'features N', target: 'testError', targetLabel: 'test error', measures: LINEAR_SMOOTHER },
  polynomial: {
    size: 'degree',
    target: 'testLoss',
    targetLabel: 'test loss',
    measures: LINEAR_SMOOTHER,
  },
  mlp: {
    size: 'width',
    target: 'testError',
    targetLabel: 'test error',
    measures: ['parameters', 'paramNorm', 'sharpness', 'rig', 'pathNorm', 'spectralProduct'],
  },
};

/** Each measure's name in tables and figures. */
export const MEASURE_LABELS: Record<string, string> = {
  parameters: 'parameter count',
  coefNorm: 'coefficient norm ‖a‖',
  effectiveTrain: 'p_train = tr S',
  effectiveTest: 'p_test (Curth et al.)',
  paramNorm: 'parameter norm ‖θ‖₂',
  sharpness: 'sharpness λ_max(H)',
  rig: 'R_IG = ‖∇E‖²/m',
  pathNorm: 'ℓ2 path norm',
  spectralProduct: 'Π ‖W_l‖₂ (spectral)',
  testError: 'test error',
  testLoss: 'test loss',
};

export interface MeasureCorrelation {
  sweep: SweepName;
  measure: string;
  target: string;
  /** Sizes per seed (the length of each correlated sequence; the fewest over seeds). */
  sizes: number;
  /** Spearman's ρ of each seed, in seed order (NaN where a side is constant). */
  perSeed: number[];
  /** Over the seeds with a finite ρ: how many, median and quartiles (NaN when none). */
  seeds: number;
  median: number;
  q1: number;
  q3: number;
}

/** One correlation per (sweep, measure) for every sweep present in the rows. */
export function measureCorrelations(rows: Row[]): MeasureCorrelation[] {
  const out: MeasureCorrelation[] = [];
  SWEEPS.forEach((sweep, index) => {
    const mine = rows.filter((r) => r.sweep === index);
    if (mine.length === 0) return;
    const { target, measures } = SWEEP_MEASURES[sweep];
    const repetitions = [...new Set(mine.map((r) => r.repetition))].sort((a, b) => a - b);
    const curves = repetitions.map((k) =>
      mine.filter((r) => r.repetition === k).sort((a, b) => a.size - b.size),
    );
    for (const measure of measures) {
      const perSeed = curves.map((c) =>
        c.length < 2
          ? NaN
          : rankCorrelation(
              c.map((r) => r[measure]),
              c.map((r) => r[target]),
            ),
      );
      const finite = perSeed.filter(Number.isFinite);
      const s = finite.length ? stats(finite) : undefined;
      out.push({
        sweep,
        measure,
        target,
        sizes: Math.min(...curves.map((c) => c.length)),
        perSeed,
        seeds: finite.length,
        median: s?.median ?? NaN,
        q1: s?.q1 ?? NaN,
        q3: s?.q3 ?? NaN,
      });
    }
  });
  return out;
}

/** The table as printed: one line per (sweep, measure), ρ's median and IQR over seeds. */
export function correlationLines(correlations: MeasureCorrelation[]): string[] {
  const f = (x: number) => (Number.isFinite(x) ? (x >= 0 ? ' ' : '') + x.toFixed(2) : '  n/a');
  const header = ['sweep', 'vs', 'measure', 'ρ median', 'IQR [q1, q3]', 'seeds', 'sizes'];
  const body = correlations.map((c) => [
    c.sweep,
    SWEEP_MEASURES[c.sweep].targetLabel,
    MEASURE_LABELS[c.measure] ?? c.measure,
    f(c.median),
    Number.isFinite(c.q1) ? `${(c.q3 - c.q1).toFixed(2)} [${f(c.q1).trim()}, ${f(c.q3).trim()}]` : 'n/a',
    String(c.seeds),
    String(c.sizes),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: string[]) => `  ${cells.map((c, j) => c.padEnd(widths[j])).join('  ')}`.trimEnd();
  return [
    "Spearman's rank correlation of each measure with test error across the sweep, per seed; median and IQR over seeds",
    line(header),
    ...body.map(line),
  ];
}
