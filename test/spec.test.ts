import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSpec, canonicalJson } from '../src/sweep/expand.js';
import { readSpecFile, validateSpec } from '../src/sweep/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'ddlab-spec-'));
function specFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('experiment specs', () => {
  it('reads YAML and JSON specs with axes, ranges and seeds', () => {
    const yaml = readSpecFile(
      specFile(
        'ok.yaml',
        `preset: rff
config:
  n: 100
  nTest: 100
  features: [10, 50, 100]
axes:
  labelNoise: [0, 0.2]
  sigma: { from: 2, to: 8, count: 3, scale: log }
seeds: 2
`,
      ),
    );
    const json = readSpecFile(specFile('ok.json', JSON.stringify(yaml)));
    expect(json).toEqual(yaml);
    const sweep = expandSpec(yaml);
    expect(sweep.trials).toHaveLength(2 * 3 * 2);
    expect(sweep.trials.map((t) => t.config.sigma)).toEqual([2, 2, 4, 4, 8, 8, 2, 2, 4, 4, 8, 8]);
    expect(sweep.trials.map((t) => t.seed)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(new Set(sweep.trials.map((t) => t.gridKey)).size).toBe(6);
  });

  it.each([
    ['unknown preset', { preset: 'nope' }, /preset: must be one of rff.*\(got "nope"\)/],
    ['missing preset', { config: {} }, /preset: .*\(missing\)/],
    ['unknown top-level field', { preset: 'rff', sedes: 3 }, /Unrecognized key: "sedes"/],
    ['seeds below 1', { preset: 'rff', seeds: 0 }, /seeds: .*\(got 0\)/],
    ['axis not a list or range', { preset: 'rff', axes: { n: 'many' } }, /axes\.n: .*\(got "many"\)/],
    ['range without count', { preset: 'rff', axes: { n: { from: 1, to: 5 } } }, /axes\.n/],
    [
      'log range through 0',
      { preset: 'rff', axes: { sigma: { from: 0, to: 5, count: 3, scale: 'log' } } },
      /axes\.sigma: a log range needs from > 0/,
    ],
    ['seed as an axis', { preset: 'rff', axes: { seed: [1, 2] } }, /use 'seeds'/],
  ])('rejects %s with a message naming the field', (_what, raw, message) => {
    expect(() => validateSpec(raw, 'spec.yaml')).toThrow(message);
  });

  it('names the config field and grid point a preset rejects', () => {
    const spec = validateSpec({ preset: 'rff', config: { features: [10] }, axes: { n: [100, -5] } }, 's');
    expect(() => expandSpec(spec)).toThrow(/config at \{"n":-5\}: n must be a positive integer, got -5/);
    const typo = validateSpec({ preset: 'rff', config: { sigmaa: 3 } }, 's');
    expect(() => expandSpec(typo)).toThrow(/unknown config field 'sigmaa'/);
  });

  it('reports unreadable and malformed files', () => {
    expect(() => readSpecFile(join(dir, 'missing.yaml'))).toThrow(/cannot read spec file .*missing\.yaml/);
    expect(() => readSpecFile(specFile('bad.yaml', 'preset: [rff\n'))).toThrow(/bad\.yaml: not valid YAML/);
    expect(() => readSpecFile(specFile('bad.json', '{"preset": '))).toThrow(/bad\.json: not valid JSON/);
  });
});

describe('trial ids', () => {
  const base = {
    preset: 'rff',
    config: { n: 100, nTest: 100, features: [10, 50] },
    axes: { labelNoise: [0, 0.1] },
    seeds: 3,
  };

  it('are stable: the same spec gives the same ids, whatever the key order', () => {
    const a = expandSpec(validateSpec(base, 'a'));
    const reordered = {
      seeds: 3,
      axes: { labelNoise: [0, 0.1] },
      config: { features: [10, 50], nTest: 100, n: 100 },
      preset: 'rff',
    };
    const b = expandSpec(validateSpec(reordered, 'b'));
    expect(b.trials.map((t) => t.id)).toEqual(a.trials.map((t) => t.id));
    expect(b.id).toBe(a.id);
    expect(new Set(a.trials.map((t) => t.id)).size).toBe(6);
    // Pinned: a change of hashing or canonical form would orphan every stored sweep.
    expect(a.trials[0].id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('depend on every resolved field: the same config written differently is the same trial', () => {
    const explicit = expandSpec(
      validateSpec({ ...base, config: { ...base.config, sigma: 5, ridge: 0 } }, 'c'),
    );
    const a = expandSpec(validateSpec(base, 'a'));
    expect(explicit.trials.map((t) => t.id)).toEqual(a.trials.map((t) => t.id)); // defaults made explicit
    const other = expandSpec(validateSpec({ ...base, config: { ...base.config, sigma: 4 } }, 'd'));
    expect(other.trials[0].id).not.toBe(a.trials[0].id);
  });

  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: 'z' } })).toBe(
      '{"a":{"c":"z","d":[2,{"x":0,"y":1}]},"b":1}',
    );
  });
});
