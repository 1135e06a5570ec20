// A request to start a sweep is an experiment spec, as a spec file holds it ({preset, config, axes,
// seeds, name}), checked here the way `ddlab run` checks one — spec schema, the preset's own zod
// schema, expansion — so the browser gets the same messages, each tied to its field.
import { ConfigError, configErrorMessage, schemaFields } from '../experiments/preset.js';
import { presetNamed } from '../experiments/presets.js';
import type { Experiment, Sweep } from '../experiments/experiment.js';
import { expandSpec, trialCount } from '../sweep/expand.js';
import { validateSpec } from '../sweep/spec.js';

/** As `ddlab run`'s default --max-trials: a form should not start a sweep the CLI would refuse. */
export const MAX_TRIALS = 10_000;

export class BadSweepRequest extends Error {
  constructor(
    message: string,
    /** Config field → the problem with it, for the form to show at the field. */
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function checkSweepRequest(body: unknown): { spec: Experiment; sweep: Sweep } {
  let spec: Experiment;
  try {
    spec = validateSpec(body, 'request');
  } catch (e) {
    throw new BadSweepRequest((e as Error).message);
  }
  const fields = fieldProblems(spec);
  if (Object.keys(fields).length > 0) throw new BadSweepRequest(Object.values(fields).join('; '), fields);
  const count = trialCount(spec);
  if (count > MAX_TRIALS)
    throw new BadSweepRequest(`the sweep has ${count} trials, more than the limit of ${MAX_TRIALS}`);
  try {
    return { spec, sweep: expandSpec(spec) };
  } catch (e) {
    throw new BadSweepRequest((e as Error).message); // an axis value the preset refuses
  }
}

/** The preset schema's complaints about the base config, one message per field. */
function fieldProblems(spec: Experiment): Record<string, string> {
  const preset = presetNamed(spec.preset);
  try {
    preset.resolve(spec.config);
    return {};
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const parsed = preset.schema.safeParse(spec.config);
    const known = Object.keys(schemaFields(preset.schema));
    const fields: Record<string, string> = {};
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : String(issue.path[0] ?? '');
      const line = configErrorMessage(preset.name, spec.config, [issue], known);
      fields[field] = fields[field] ? `${fields[field]}; ${line}` : line;
    }
    // Aliases and whole-config checks: no single field, but the message still goes to the form.
    return Object.keys(fields).length ? fields : { '': e.message };
  }
}
