// A preset's fields as JSON Schema (draft 2020-12): what `ddlab schema PRESET` prints and a web form
// is built from. It describes the input a user writes (ranges like 'start:stop:count' included),
// not the resolved configuration.
import { z } from 'zod';
import { schemaObject, type Preset } from './preset.js';

export function presetJsonSchema(preset: Preset): Record<string, unknown> {
  const fields = z.toJSONSchema(schemaObject(preset.schema), { io: 'input', unrepresentable: 'any' });
  return {
    $schema: fields.$schema,
    title: preset.name,
    description: preset.description,
    ...fields,
    ...(preset.aliases ? { 'x-aliases': preset.aliases } : {}),
  };
}
