// A spec expands to trials: the cartesian product of its axes, times its seeds. Each trial has a
// stable id — a hash of the preset and the fully resolved configuration (seed included) — so the
// same trial is recognised across runs and never run twice for a sweep.
import { createHash } from 'node:crypto';
import type { AxisRange, Experiment, Sweep, Trial } from '../experiments/experiment.js';
import { logSpaced } from '../experiments/common/grid.js';
import { json, type Config } from '../experiments/preset.js';
import { presetNamed } from '../experiments/presets.js';
import { SpecError } from './spec.js';

export function expandSpec(spec: Experiment): Sweep {
  const preset = presetNamed(spec.preset);
  const axisValues = Object.entries(spec.axes).map(([field, axis]) => [field, axisPoints(axis)] as const);
  const baseSeed = spec.config.seed ?? 1;
  if (typeof baseSeed !== 'number' || !Number.isSafeInteger(baseSeed)) {
    throw new SpecError(`config.seed must be an integer, got ${json(baseSeed)}`);
  }
  const seeds = Array.isArray(spec.seeds)
    ? spec.seeds
    : Array.from({ length: spec.seeds }, (_, i) => baseSeed + i);
  const trials: Trial[] = [];
  for (const axes of cartesian(axisValues)) {
    for (const seed of seeds) {
      let config: Config;
      try {
        config = preset.resolve({ ...spec.config, ...axes, seed });
      } catch (e) {
        const where = Object.keys(axes).length ? ` at ${json(axes)}` : '';
        throw new SpecError(`config${where}: ${(e as Error).message}`);
      }
      const { seed: _seed, ...grid } = config;
      trials.push({
        id: hash({ preset: preset.name, config }).slice(0, 16),
        index: trials.length,
        gridKey: canonicalJson(grid),
        axes,
        seed: config.seed as number,
        config,
      });
    }
  }
  const ids = new Set(trials.map((t) => t.id));
  if (ids.size !== trials.length)
    throw new SpecError('the spec expands to duplicate trials (repeated axis values?)');
  const id = hash({ preset: preset.name, trials: trials.map((t) => t.id) }).slice(0, 12);
  return { id, name: spec.name ?? `${preset.name}-${id.slice(0, 6)}`, preset: preset.name, spec, trials };
}

/**
 * How many trials the spec expands to, without expanding it, so that a huge sweep is refused before
 * it costs anything. A range of over a million points counts as its `count` (an upper bound:
 * rounding may merge points) rather than being listed.
 */
export function trialCount(spec: Experiment): number {
  const seeds = Array.isArray(spec.seeds) ? spec.seeds.length : spec.seeds;
  const points = (axis: unknown[] | AxisRange) =>
    !Array.isArray(axis) && axis.count > 1e6 ? axis.count : axisPoints(axis).length;
  return Object.values(spec.axes).reduce((n: number, axis) => n * points(axis), seeds);
}

function axisPoints(axis: unknown[] | AxisRange): unknown[] {
  if (Array.isArray(axis)) return axis;
  const { from, to, count, scale, integer } = axis;
  const points =
    scale === 'log'
      ? logSpaced(from, to, count)
      : Array.from({ length: count }, (_, i) => from + (to - from) * (count === 1 ? 0 : i / (count - 1)));
  const values = points.map((v) => (integer ? Math.round(v) : Number(v.toPrecision(12))));
  return [...new Set(values)];
}

function cartesian(axes: (readonly [string, unknown[]])[]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [field, values] of axes) out = out.flatMap((o) => values.map((v) => ({ ...o, [field]: v })));
  return out;
}

/** JSON with object keys sorted at every level: equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function hash(v: unknown): string {
  return createHash('sha256').update(canonicalJson(v)).digest('hex');
}
