// An experiment (a spec: a preset, a base configuration, axes to sweep and seeds), the trials it
// expands to and the sweep that holds them — the vocabulary shared by the sweep layer, the store and
// the web lab. The expansion itself (hashing trial ids) lives in sweep/expand.ts.
import { z } from 'zod';
import type { Config } from './preset.js';
import { PRESETS } from './presets.js';

const scalar = z.union([z.number(), z.string(), z.boolean()]);

const range = z
  .object({
    from: z.number(),
    to: z.number(),
    count: z.number().int().min(1),
    scale: z.enum(['linear', 'log']).default('linear'),
    integer: z.boolean().default(false),
  })
  .strict();

export const experimentSchema = z
  .object({
    name: z.string().min(1).optional(),
    preset: z.string().refine((p) => Object.hasOwn(PRESETS, p), {
      message: `must be one of ${Object.keys(PRESETS).join(', ')}`,
    }),
    config: z.record(z.string(), z.unknown()).default({}),
    axes: z
      .record(z.string(), z.union([z.array(z.union([scalar, z.array(scalar)])).min(1), range]))
      .default({}),
    seeds: z
      .union([z.number().int().min(1).max(10_000), z.array(z.number().int()).min(1)], {
        error: 'must be a count of seeds from 1 to 10000, or a non-empty list of integer seeds',
      })
      .default(1),
  })
  .strict();

export type Experiment = z.infer<typeof experimentSchema>;
export type AxisRange = z.infer<typeof range>;

export interface Trial {
  id: string;
  /** Position in the expansion (stable order for display). */
  index: number;
  /** The grid point this trial belongs to: the resolved config without its seed, canonical JSON. */
  gridKey: string;
  /** The axis values of the grid point. */
  axes: Record<string, unknown>;
  seed: number;
  config: Config;
}

export interface Sweep {
  id: string;
  name: string;
  preset: string;
  spec: Experiment;
  trials: Trial[];
}
