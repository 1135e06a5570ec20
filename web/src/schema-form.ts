// A form from a preset's JSON Schema (`ddlab schema PRESET`): one input per field with its default
// filled in and its description beside it. Values are read back by the field's type, as
// `ddlab run --set field=value` reads them: numbers, true/false, text, or JSON for lists and
// alternatives (falling back to the text, for forms like 'start:stop:count').
import { h } from './dom';

interface FieldSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: FieldSchema[];
}

export interface SchemaForm {
  element: HTMLElement;
  /** The fields whose value differs from the default, typed. */
  values(): Record<string, unknown>;
  /** Shows each message at its field ('' : above the fields); clears the others. */
  showErrors(fields: Record<string, string>): void;
}

export function schemaForm(schema: { properties: Record<string, FieldSchema> }): SchemaForm {
  const inputs = new Map<
    string,
    { input: HTMLInputElement | HTMLSelectElement; field: FieldSchema; error: HTMLElement }
  >();
  const general = h('p', { class: 'error', 'data-error': '' });
  const rows = Object.entries(schema.properties).map(([name, field]) => {
    const text =
      field.default === undefined
        ? ''
        : typeof field.default === 'string'
          ? field.default
          : JSON.stringify(field.default);
    const input = field.enum
      ? h(
          'select',
          { name },
          ...field.enum.map((v) =>
            h('option', { value: String(v), selected: v === field.default }, String(v)),
          ),
        )
      : field.type === 'boolean'
        ? h(
            'select',
            { name },
            ...['true', 'false'].map((v) => h('option', { value: v, selected: v === text }, v)),
          )
        : h('input', {
            name,
            value: text,
            type: 'text',
            inputmode: field.type === 'number' || field.type === 'integer' ? 'decimal' : undefined,
          });
    const error = h('span', { class: 'error', 'data-error': name });
    inputs.set(name, { input, field, error });
    return h(
      'div',
      { class: 'field' },
      h('label', { for: name }, name),
      input,
      error,
      h('small', {}, field.description ?? ''),
    );
  });
  for (const { input } of inputs.values()) input.id = input.getAttribute('name')!;
  return {
    element: h('div', { class: 'schema-form' }, general, ...rows),
    values() {
      const out: Record<string, unknown> = {};
      for (const [name, { input, field }] of inputs) {
        const value = typed(input.value, field);
        if (JSON.stringify(value) !== JSON.stringify(field.default)) out[name] = value;
      }
      return out;
    },
    showErrors(fields) {
      general.textContent = fields[''] ?? '';
      for (const [name, { input, error }] of inputs) {
        error.textContent = fields[name] ?? '';
        input.classList.toggle('invalid', Boolean(fields[name]));
      }
    },
  };
}

function typed(text: string, field: FieldSchema): unknown {
  const enumValue = field.enum?.find((v) => String(v) === text);
  if (enumValue !== undefined) return enumValue;
  // A malformed number goes to the server as it is, so the schema's message names it.
  if (field.type === 'number' || field.type === 'integer')
    return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  if (field.type === 'boolean') return text === 'true';
  if (field.type === 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
