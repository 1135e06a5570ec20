// Experiment specs: a preset, a base configuration, axes to sweep and seeds — written as YAML or
// JSON, validated with zod; errors name the field path, the bad value and what is allowed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { experimentSchema, type Experiment } from '../experiments/experiment.js';
import { json } from '../experiments/preset.js';
import { presetNamed } from '../experiments/presets.js';

// yaml loads on first use: most runs name a preset and never read a YAML file.
const require = createRequire(import.meta.url);
const parseYaml = (text: string): unknown => (require('yaml') as typeof Yaml).parse(text);

export class SpecError extends Error {}

/** Validates a parsed spec object; `source` names it in messages. */
export function validateSpec(raw: unknown, source: string): Experiment {
  const result = experimentSchema.safeParse(raw);
  if (result.success) {
    const spec = result.data;
    for (const [field, axis] of Object.entries(spec.axes)) {
      if (!Array.isArray(axis)) {
        if (axis.scale === 'log' && !(axis.from > 0 && axis.to > 0)) {
          throw new SpecError(
            `${source}: axes.${field}: a log range needs from > 0 and to > 0, got ${axis.from}..${axis.to}`,
          );
        }
      }
      if (field === 'seed') throw new SpecError(`${source}: axes.seed: use 'seeds' to repeat over seeds`);
    }
    refuseProtoField(raw, spec.preset, source);
    return spec;
  }
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(top level)';
    const value = valueAt(raw, issue.path as (string | number)[]);
    const got = value === undefined ? 'missing' : `got ${json(value)}`;
    return `${path}: ${issue.message} (${got})`;
  });
  throw new SpecError(`${source}: invalid spec:\n  ${lines.join('\n  ')}`);
}

export function readSpecFile(path: string): Experiment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SpecError(`cannot read spec file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new SpecError(
      `${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    );
  }
  return validateSpec(raw, path);
}

/**
 * zod's records skip a `__proto__` key (copying it would set the prototype), so a config field or an
 * axis of that name would vanish silently, where any other unknown name is an error. The preset
 * refuses the names as it refuses any field it does not have (the values are checked later).
 */
function refuseProtoField(raw: unknown, preset: string, source: string): void {
  for (const part of ['config', 'axes']) {
    const fields = valueAt(raw, [part]);
    if (fields === null || typeof fields !== 'object' || !Object.hasOwn(fields, '__proto__')) continue;
    try {
      presetNamed(preset).resolve(Object.fromEntries(Object.keys(fields).map((k) => [k, undefined])));
    } catch (e) {
      throw new SpecError(`${source}: ${part}: ${(e as Error).message}`);
    }
  }
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}
