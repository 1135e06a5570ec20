// Every preset is a zod schema plus a run function: defaults, validation messages, the holes the
// hand-written resolvers had, aliases, and the JSON Schema the web forms read.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PRESETS, presetNamed } from '../src/experiments/presets.js';
import { presetJsonSchema } from '../src/experiments/preset-json-schema.js';
import { schemaFields } from '../src/experiments/preset.js';

const resolve = (name: string, config: Record<string, unknown>) => presetNamed(name).resolve(config);

describe('preset schemas', () => {
  it('every preset resolves {} to its defaults, and its resolved config resolves to itself', () => {
    for (const preset of Object.values(PRESETS)) {
      const config = preset.resolve({});
      // A resolved config is a valid input that changes nothing (specs print it: --print-spec).
      expect(preset.resolve(config), preset.name).toEqual(config);
      expect(Object.keys(config).sort(), preset.name).toEqual(
        Object.keys(schemaFields(preset.schema)).sort(),
      );
    }
  });

  it('every field has a default and a description', () => {
    for (const preset of Object.values(PRESETS)) {
      for (const [field, schema] of Object.entries(schemaFields(preset.schema))) {
        expect(schema.description, `${preset.name}.${field}`).toBeTruthy();
        expect(schema.safeParse(undefined).success, `${preset.name}.${field} has a default`).toBe(true);
      }
    }
  });

  it('errors name the field, what is allowed and the value', () => {
    expect(() => resolve('rff', { n: -5 })).toThrow(/^n must be a positive integer, got -5$/);
    expect(() => resolve('rff', { sigma: NaN })).toThrow(/^sigma must be a number in \(0, ∞\), got NaN$/);
    expect(() => resolve('rff', { kind: 'tanh' })).toThrow(/^kind must be one of rff, relu, got 'tanh'$/);
    expect(() => resolve('rff', { features: [10, 0] })).toThrow(
      /^features\[1\] must be a positive integer, got 0$/,
    );
    expect(() => resolve('rff', { features: 'many' })).toThrow(
      /^features must be a non-empty list of model sizes/,
    );
    expect(() => resolve('rff', { features: '10:5:3' })).toThrow(/1 ≤ start ≤ stop/);
    expect(() => resolve('rff', { sigmaa: 5 })).toThrow(
      /^rff: unknown config field 'sigmaa' \(known: dataset, n,/,
    );
    expect(() => resolve('mlp-width', { widths: [] })).toThrow(/^widths must be a non-empty list of widths/);
    expect(() => resolve('mlp-width', { reuse: true, family: 'cnn' })).toThrow(
      /^reuse \(Belkin's weight reuse\) needs family 'mlp' with depth 1, got cnn of depth 1$/,
    );
    // Several problems at once: one message each, all reported.
    expect(() => resolve('rff', { n: 0, nTest: 0 })).toThrow(/n must be .*; nTest must be/);
  });

  it('grids: a list is sorted and deduplicated; a range is log-spaced and includes the threshold', () => {
    expect(resolve('rff', { n: 100, features: [300, 10, 300] }).features).toEqual([10, 300]);
    expect(resolve('rff', { n: 100, features: '10:1000:3' }).features).toEqual([10, 100, 1000]);
    expect(resolve('rff', { n: 150, features: '10:1000:3' }).features).toEqual([10, 100, 150, 1000]);
    expect(resolve('mlp-width', { widths: '1:64:4' }).widths).toEqual([1, 4, 16, 64]);
  });

  it('closes the holes of the hand-written resolvers', () => {
    // momentum 1 never decays the velocity: SGD diverges or stalls.
    expect(() => resolve('mlp-width', { momentum: 1 })).toThrow(
      /^momentum must be a number in \[0, 1\), got 1$/,
    );
    expect(resolve('mlp-width', { momentum: 0.9 }).momentum).toBe(0.9);
    // A slope needs two step sizes (count 1 printed NaN slopes).
    expect(() => resolve('igr-modified-flow', { count: 1 })).toThrow(/^count must be an integer ≥ 2/);
    // The igr presets neither probe during training nor reuse weights: those fields are not theirs.
    for (const name of ['igr-lr', 'igr-explicit']) {
      expect(() => resolve(name, { probes: ['rig'] })).toThrow(
        new RegExp(`^${name}: unknown config field 'probes'`),
      );
      expect(() => resolve(name, { reuse: true })).toThrow(
        new RegExp(`^${name}: unknown config field 'reuse'`),
      );
    }
    // Schedule objects reject unknown keys (a typo'd 'evry' used to be ignored).
    expect(() => resolve('mlp-width', { schedule: { name: 'step', evry: 3 } })).toThrow(
      /unknown config field 'schedule.evry'/,
    );
    expect(() => resolve('mlp-width', { schedule: 'cosine' })).toThrow(/^schedule must be one of constant/);
    expect(() => resolve('mlp-width', { schedule: { name: 'step', factor: 2 } })).toThrow(
      /^schedule.factor must be a number in \(0, 1\], got 2$/,
    );
    expect(resolve('mlp-width', { schedule: 'inverse-sqrt' }).schedule).toEqual({
      name: 'inverse-sqrt',
      every: 512,
    });
    expect(resolve('mlp-width', { schedule: { name: 'step' } }).schedule).toEqual({
      name: 'step',
      every: 10,
      factor: 0.1,
    });
  });

  it('signal and noise are one pair of names; the old r and sigma stay as aliases', () => {
    const c = resolve('linear-gaussian', { r: 2, sigma: 0.3 });
    expect([c.signal, c.noise]).toEqual([2, 0.3]);
    expect(resolve('linear-gaussian', { signal: 2, noise: 0.3 })).toEqual(c);
    expect(resolve('rf-relu-gaussian', { r: 2 }).signal).toBe(2);
    // An error names the field as the user wrote it.
    expect(() => resolve('linear-gaussian', { sigma: -1 })).toThrow(
      /^sigma must be a number in \[0, ∞\), got -1$/,
    );
    expect(() => resolve('linear-gaussian', { r: 1, signal: 1 })).toThrow(
      /give signal or its alias r, not both/,
    );
  });

  it('a preset name that is an Object property is not a preset', () => {
    expect(() => presetNamed('constructor')).toThrow(/preset must be one of rff, /);
    expect(() => presetNamed('__proto__')).toThrow(/preset must be one of rff, /);
  });
});

describe('JSON Schema export', () => {
  it('describes every field with its type, range, default and description', () => {
    const schema = presetJsonSchema(presetNamed('rff')) as {
      properties: Record<
        string,
        { type?: string; minimum?: number; default?: unknown; description?: string }
      >;
      additionalProperties: boolean;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.n).toMatchObject({ type: 'integer', minimum: 1, default: 1000 });
    expect(schema.properties.n.description).toMatch(/training points/);
    expect(schema.properties.features.default).toBe('auto');
    expect(Object.keys(schema.properties)).toEqual(Object.keys(schemaFields(presetNamed('rff').schema)));
  });

  it('every preset exports, and its defaults validate against its own JSON Schema', () => {
    for (const preset of Object.values(PRESETS)) {
      const json = presetJsonSchema(preset);
      // Round trip through zod's reader of JSON Schema: the defaults are valid inputs.
      const back = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]);
      expect(back.safeParse(preset.resolve({})).success, preset.name).toBe(true);
      expect(back.safeParse({ notAField: 1 }).success, preset.name).toBe(false);
    }
  });
});
