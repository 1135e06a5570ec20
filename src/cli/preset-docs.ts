// A preset's fields as a reader sees them — name, command-line flag, default, allowed values and
// meaning — read from its schema's JSON Schema. `ddlab run PRESET --help` prints them as text; the
// README's option tables are the same rows as Markdown (kept current by a test).
import { presetJsonSchema } from '../experiments/preset-json-schema.js';
import type { Preset } from '../experiments/preset.js';

/** Config fields that have a flag of their own on `ddlab run`: field → flag. */
export const FLAG_OF: Readonly<Record<string, string>> = {
  dataset: '--dataset',
  n: '--n',
  nTest: '--n-test',
  kind: '--kind',
  sigma: '--sigma',
  features: '--features',
  ridge: '--ridge',
  labelNoise: '--label-noise',
  seed: '--seed',
  widths: '--widths',
  epochs: '--epochs',
  lr: '--lr',
  optimizer: '--optimizer',
  family: '--family',
};

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  default?: unknown;
  description?: string;
};

export interface FieldDoc {
  field: string;
  flag?: string;
  /** The default as JSON (strings quoted as a spec file would have them). */
  default: string;
  allowed: string;
  description: string;
}

export function presetFieldDocs(preset: Preset): FieldDoc[] {
  const schema = presetJsonSchema(preset) as { properties: Record<string, JsonSchema> };
  const aliases = Object.entries(preset.aliases ?? {});
  return Object.entries(schema.properties).map(([field, s]) => {
    const alias = aliases.filter(([, f]) => f === field).map(([a]) => a);
    return {
      field,
      flag: FLAG_OF[field] ?? (alias.length ? FLAG_OF[alias[0]] : undefined),
      default: JSON.stringify(s.default) ?? 'none',
      allowed: allowedValues(s),
      description: s.description ?? '',
    };
  });
}

/** What a JSON Schema accepts, in a few words: "integer ≥ 1", "number in (0, 1]", "one of a, b". */
export function allowedValues(s: JsonSchema, nested = false): string {
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return [...new Set(alternatives.map((a) => allowedValues(a, true)))].join(' or ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return `one of ${s.enum.join(', ')}`;
  switch (s.type) {
    case 'integer':
    case 'number':
      return `${s.type}${range(s)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      // A nested text form describes itself ('start:stop:count'); a field's description is its meaning.
      return nested && s.description ? s.description : 'text';
    case 'array':
      if (s.prefixItems) return `[${s.prefixItems.map((i) => allowedValues(i, true)).join(', ')}]`;
      return `list of ${s.items ? allowedValues(s.items, true) : 'values'}`;
    case 'object':
      return `{${Object.keys(s.properties ?? {}).join(', ')}}`;
    default:
      return 'any';
  }
}

function range(s: JsonSchema): string {
  const low = s.exclusiveMinimum ?? s.minimum;
  const high = s.exclusiveMaximum ?? s.maximum;
  const safe = (x: number | undefined) => x !== undefined && Math.abs(x) < Number.MAX_SAFE_INTEGER;
  if (safe(low) && safe(high))
    return ` in ${s.exclusiveMinimum !== undefined ? '(' : '['}${low}, ${high}${s.exclusiveMaximum !== undefined ? ')' : ']'}`;
  if (safe(low)) return s.exclusiveMinimum !== undefined ? ` > ${low}` : ` ≥ ${low}`;
  if (safe(high)) return s.exclusiveMaximum !== undefined ? ` < ${high}` : ` ≤ ${high}`;
  return '';
}

/** `ddlab run PRESET --help`: every field with its flag, default, allowed values and meaning. */
export function presetHelp(preset: Preset): string {
  const docs = presetFieldDocs(preset);
  const names = docs.map((d) => (d.flag ? `${d.field} (${d.flag})` : d.field));
  const width = Math.max(...names.map((n) => n.length));
  const lines = docs.flatMap((d, i) => [
    `  ${names[i].padEnd(width)}  default ${d.default}; ${d.allowed}`,
    `  ${''.padEnd(width)}  ${d.description}`,
  ]);
  const aliases = Object.entries(preset.aliases ?? {});
  return [
    `ddlab run ${preset.name}: ${preset.description}`,
    '',
    'Fields (set any with --set field=value, or in a spec file; the common ones have flags):',
    ...lines,
    ...(aliases.length ? ['', `Aliases: ${aliases.map(([a, f]) => `${a} = ${f}`).join(', ')}`] : []),
    '',
    `Run options: ddlab run --help. JSON Schema: ddlab schema ${preset.name}.`,
    '',
  ].join('\n');
}

/** The README's option table of a preset, in Markdown. */
export function presetTable(preset: Preset): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  const rows = presetFieldDocs(preset).map(
    (d) =>
      `| \`${d.field}\`${d.flag ? ` (\`${d.flag}\`)` : ''} | \`${cell(d.default)}\` | ${cell(d.allowed)} | ${cell(d.description)} |`,
  );
  return ['| field | default | allowed | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
