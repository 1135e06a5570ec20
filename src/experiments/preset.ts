// A preset: a named experiment that reproduces one figure. It is data plus one function: a zod
// schema of its fields (types, ranges, defaults, one-line descriptions) and a run function typed by
// that schema's output. The CLI's options, spec validation, `--print-spec`, `ddlab schema`, the
// README's option tables and the web forms all read the one schema.
import { z } from 'zod';
import type { FeatureLanes } from '../models/feature-lanes.js';
import type { Dataset } from '../data/dataset.js';

/** A configuration: plain JSON, so it can be printed, edited, hashed and stored. */
export type Config = Record<string, unknown>;

/** One measured row (one model size, one degree, one time step …): the CSV rows of a run. */
export type Row = Record<string, number>;

/** One value of a named series along training (kept in the store's series table). */
export interface SeriesPoint {
  name: string;
  step: number;
  value: number;
}

export interface PresetResult {
  points: Row[];
  /** Per-epoch curves behind the rows (training presets), if any. */
  series?: SeriesPoint[];
  summary: Record<string, unknown>;
  /** The summary as lines for a terminal. */
  summaryLines: string[];
}

export interface RunContext {
  /** Loads a dataset by name ('mnist') or path; provided by the caller (Node or browser). */
  loadDataset(name: string): Dataset;
  onProgress?: (done: number, total: number) => void;
  /**
   * Runs parts of this run side by side, one per core, where the caller can (Node, a trial alone in
   * its process: worker threads): part i is `preset.runPart(parts[i])`. Absent: the preset runs its
   * parts itself, in turn.
   */
  runParts?: (
    preset: string,
    parts: Config[],
    onProgress?: (done: number, total: number) => void,
  ) => Promise<unknown[]>;
  /** How many parts runParts runs at once (its cores). */
  partLanes?: number;
  /** Threads for the rows of random-feature blocks, where the caller has the cores to give. */
  featureLanes?: FeatureLanes;
}

/** A preset's schema: a strict zod object of its fields, possibly with derived values after it. */
export type ConfigSchema<C extends Config = Config> = z.ZodType<C>;

export interface PresetDefinition<C extends Config> {
  name: string;
  /** One line for `ddlab run --help`. */
  description: string;
  schema: ConfigSchema<C>;
  /** Old field names still accepted: alias → field (a config may not give both). */
  aliases?: Readonly<Record<string, string>>;
  /** Keys that identify a result row across seeds (e.g. the model size); the rest are metrics. */
  indexKeys?: string[];
  run(config: C, context: RunContext): Promise<PresetResult>;
  /** Rough peak memory of one run in bytes, so a pool does not run more at once than fit. */
  estimateBytes?(config: C): number;
  /** The summary of rows aggregated over seeds (medians under the plain keys), if the preset has one. */
  summarizeRows?(config: C, rows: Row[]): Pick<PresetResult, 'summary' | 'summaryLines'>;
  /**
   * One part of a run split across cores (see RunContext.runParts): a plain-data result (it crosses
   * threads) that `run` merges. `part` is a full configuration of this preset.
   */
  runPart?(part: C, context: Pick<RunContext, 'loadDataset' | 'onProgress'>): Promise<unknown>;
  /**
   * Sweep trials that can run as one (src/sweep/merge-trials.ts): configurations whose `shared`
   * values are equal share their data, batch order and procedure (undefined: never merged), and
   * `run` trains them together, returning each configuration's result as its own run gives it.
   */
  merge?: {
    shared(config: C): Config | undefined;
    run(configs: C[], context: Pick<RunContext, 'loadDataset' | 'onProgress'>): Promise<PresetResult[]>;
  };
}

export interface Preset<C extends Config = Config> extends PresetDefinition<C> {
  /**
   * Completes a partial configuration with the schema's defaults and validates it; throws a
   * ConfigError whose message names the field, the bad value and what is allowed.
   */
  resolve(input: unknown): C;
}

export class ConfigError extends Error {}

export function definePreset<C extends Config>(definition: PresetDefinition<C>): Preset<C> {
  return {
    ...definition,
    resolve(input) {
      const { config, aliasOf } = withoutAliases(definition, input ?? {});
      const result = definition.schema.safeParse(config);
      if (result.success) return result.data;
      const known = Object.keys(schemaFields(definition.schema));
      const issues = result.error.issues.map((issue) =>
        // Name a field by the alias the user wrote.
        typeof issue.path[0] === 'string' && aliasOf[issue.path[0]]
          ? { ...issue, path: [aliasOf[issue.path[0]], ...issue.path.slice(1)] }
          : issue,
      );
      throw new ConfigError(configErrorMessage(definition.name, input, issues, known));
    },
  };
}

/** The config with every alias renamed to its field (giving both is an error), and field → alias used. */
function withoutAliases<C extends Config>(
  definition: PresetDefinition<C>,
  input: unknown,
): { config: unknown; aliasOf: Record<string, string> } {
  const aliases = definition.aliases;
  const aliasOf: Record<string, string> = {};
  if (!aliases || input === null || typeof input !== 'object' || Array.isArray(input))
    return { config: input, aliasOf };
  const config: Config = { ...(input as Config) };
  for (const [alias, field] of Object.entries(aliases)) {
    if (!Object.hasOwn(config, alias)) continue;
    if (Object.hasOwn(config, field))
      throw new ConfigError(`${definition.name}: give ${field} or its alias ${alias}, not both`);
    config[field] = config[alias];
    delete config[alias];
    aliasOf[field] = alias;
  }
  return { config, aliasOf };
}

/** One line per problem: `path must be …, got value`; unknown fields name the known ones. */
export function configErrorMessage(
  preset: string,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  known: readonly string[] = [],
): string {
  return issues.map((issue) => issueLine(preset, input, issue, known)).join('; ');
}

function issueLine(
  preset: string,
  input: unknown,
  issue: z.core.$ZodIssue,
  known: readonly string[],
  base: PropertyKey[] = [],
): string {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const list = path.length === 0 && known.length ? ` (known: ${known.join(', ')})` : '';
    return issue.keys
      .map((k) => `${preset}: unknown config field '${fieldPath([...path, k])}'${list}`)
      .join('; ');
  }
  if (issue.code === 'invalid_union') {
    // When one branch got past the type check (its issues lie deeper), its message is the precise one.
    const deeper = issue.errors.find((branch) => branch.length > 0 && branch[0].path.length > 0);
    if (deeper) return issueLine(preset, input, deeper[0], known, path);
  }
  if (issue.code === 'custom' && issue.params?.whole) return issue.message;
  const value = valueAt(input, path);
  const got = value === undefined ? 'missing' : `got ${show(value)}`;
  return `${fieldPath(path)} ${issue.message}, ${got}`;
}

/** A custom issue whose message is a whole sentence (cross-field checks), printed as it stands. */
export function wholeIssue(message: string, path: PropertyKey[] = []): z.core.$ZodRawIssue {
  return { code: 'custom', message, path, params: { whole: true }, input: undefined };
}

/** `features[0]`, `schedule.every`: the path as a reader writes it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}

/** A value in a message: text in quotes, anything else as `json` writes it. */
export function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : json(v);
}

/**
 * JSON, but NaN and ±Infinity as themselves: YAML has `.nan` and `.inf`, and JSON.stringify would
 * report them as `null`, a value the user never wrote.
 */
export function json(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(json).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${json(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? String(v);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The object of a preset schema, under any transforms that follow it. */
export function schemaObject(schema: z.ZodType): z.ZodObject {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodPipe) s = s.in as z.ZodType;
  if (!(s instanceof z.ZodObject)) throw new Error('a preset schema must be a zod object');
  return s;
}

/** The fields of a preset schema, by name, in order. */
export function schemaFields(schema: z.ZodType): Record<string, z.ZodType> {
  return schemaObject(schema).shape as Record<string, z.ZodType>;
}
