// The landmarks of Nakkiran et al.'s width figure on a resnet-width run: the classical minimum, the
// peak and the widest network (as for mnist1d-width), and the three regimes of effective model
// complexity (EMC, their Definition 1: the most samples a training procedure fits to train error ≤ ε).
// A width run measures the train error at one sample count, n, so it tells where EMC reaches n:
//   under-parameterized  median train error > ε        (EMC < n)
//   critical             the first widths with error ≤ ε (EMC ≈ n), where the paper finds the peak
//   over-parameterized   the rest                       (EMC ≥ n; by how much is not measured here)
import { alignedLines } from '../common/aligned-lines.js';
import type { Row } from '../preset.js';
import {
  mnist1dWidthHeadline,
  summarizeMnist1dWidths,
  type Mnist1dWidthSummary,
} from './mnist1d-width-summary.js';

/** Nakkiran et al.'s ε for EMC: train error at most 10%. */
export const EMC_EPSILON = 0.1;

export interface ResnetWidthSummary extends Mnist1dWidthSummary {
  /** The first width whose median train error is ≤ ε (EMC reaches n there); null if none. */
  emcWidth: number | null;
  /** Widths with median train error > ε, i.e. EMC < n. */
  underParameterized: number[];
  /** emcWidth and the next wider width: the critical regime, as far as one n can tell. */
  critical: number[];
  overParameterized: number[];
  /** Whether the peak lies in the critical regime (the paper's landmark). */
  peakInCritical: boolean;
}

export function summarizeResnetWidths(rows: Row[]): ResnetWidthSummary {
  const base = summarizeMnist1dWidths(rows);
  const widths = rows.map((r) => r.width as number).sort((a, b) => a - b);
  const trainError = new Map(rows.map((r) => [r.width as number, r.trainError as number]));
  const first = widths.findIndex((w) => (trainError.get(w) as number) <= EMC_EPSILON);
  const emcWidth = first < 0 ? null : widths[first];
  const underParameterized = first < 0 ? widths : widths.slice(0, first);
  const critical = first < 0 ? [] : widths.slice(first, first + 2);
  const overParameterized = first < 0 ? [] : widths.slice(first + 2);
  return {
    ...base,
    emcWidth,
    underParameterized,
    critical,
    overParameterized,
    peakInCritical: critical.includes(base.peak.width),
  };
}

const list = (w: number[]) => (w.length ? w.join(', ') : 'none');

export function resnetWidthLines(
  s: ResnetWidthSummary,
  c: { n: number; labelNoise: number; epochs: number; seeds: number; dataset: string; downsample: number },
): string[] {
  return alignedLines([
    [
      'network',
      `pre-activation ResNet18 on ${c.dataset}${c.downsample > 1 ? ` (images shrunk ${c.downsample}×)` : ''}, ` +
        `n = ${c.n}, label noise ${c.labelNoise}, ${c.epochs} epochs, median and IQR over ${c.seeds} seed${c.seeds > 1 ? 's' : ''}`,
    ],
    [
      'median train error first 0',
      s.interpolationWidth === null ? 'at no width' : `width ${s.interpolationWidth}`,
    ],
    [
      `EMC reaches n (train error ≤ ${EMC_EPSILON})`,
      s.emcWidth === null ? 'at no width: every width is under-parameterized' : `width ${s.emcWidth}`,
    ],
    [
      'regimes',
      `under-parameterized ${list(s.underParameterized)}; critical ${list(s.critical)}; over-parameterized ${list(s.overParameterized)}`,
    ],
    ['peak in the critical regime', s.peakInCritical ? 'yes' : 'no'],
    ['headline', mnist1dWidthHeadline(s)],
  ]);
}
