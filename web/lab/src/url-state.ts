// A page's state in its URL's query (as TensorFlow Playground does), so a link reproduces a view:
// each control is a field with a default; only values that differ from it are written. A value in
// the URL that is not allowed is reported (naming the field, the value and what is allowed) and
// the default used instead.

export type Field =
  | {
      kind: 'number';
      key: string;
      label: string;
      default: number;
      min: number;
      max: number;
      step: number;
      log?: boolean;
    }
  | { kind: 'choice'; key: string; label: string; default: string; choices: readonly string[] };

export type State = Record<string, number | string>;

export function readState(fields: readonly Field[], search: string): { state: State; problems: string[] } {
  const query = new URLSearchParams(search);
  const state: State = {};
  const problems: string[] = [];
  for (const f of fields) {
    const text = query.get(f.key);
    state[f.key] = f.default;
    if (text === null) continue;
    const problem = checkValue(f, text);
    if (problem) problems.push(`${f.key}=${text}: ${problem}; using ${f.default}`);
    else state[f.key] = f.kind === 'number' ? Number(text) : text;
  }
  const known = new Set(fields.map((f) => f.key));
  for (const key of query.keys()) if (!known.has(key)) problems.push(`unknown parameter '${key}' ignored`);
  return { state, problems };
}

function checkValue(f: Field, text: string): string | undefined {
  if (f.kind === 'choice')
    return f.choices.includes(text) ? undefined : `must be one of ${f.choices.join(', ')}`;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x)) return 'not a number';
  if (x < f.min || x > f.max) return `must be in [${f.min}, ${f.max}]`;
  if (Number.isInteger(f.step) && !Number.isInteger(x)) return 'must be an integer';
  return undefined;
}

/** The query string of `state`: only values that differ from the defaults, in field order. */
export function stateQuery(fields: readonly Field[], state: State): string {
  const query = new URLSearchParams();
  for (const f of fields) if (state[f.key] !== f.default) query.set(f.key, String(state[f.key]));
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** Puts `state` into the address bar without a new history entry per slider step. */
export function writeState(fields: readonly Field[], state: State): void {
  const url = `${location.pathname}${stateQuery(fields, state)}${location.hash}`;
  history.replaceState(null, '', url);
}
