// Start a sweep: a preset, its fields (a form from the preset's schema), seeds and a name. The
// server checks the spec as `ddlab run` would and runs it; errors come back to their fields, and
// the sweep then shows up in the list, live.
import { ApiError, get, post } from './api';
import { h } from './dom';
import { navigate, type Page } from './main';
import { schemaForm, type SchemaForm } from './schema-form';

export const startPage: Page = (root, params) => {
  let form: SchemaForm | undefined;
  const fields = h('div');
  const presetSelect = h('select', { name: 'preset', id: 'preset', onchange: () => void loadPreset() });
  const seeds = h('input', { name: 'seeds', id: 'seeds', value: '1', type: 'text', inputmode: 'numeric' });
  const name = h('input', {
    name: 'name',
    id: 'name',
    type: 'text',
    placeholder: '(from the preset and a hash)',
  });
  const axes = h('textarea', { name: 'axes', id: 'axes', rows: 2, placeholder: '{"labelNoise": [0, 0.2]}' });
  const errors = {
    seeds: h('span', { class: 'error', 'data-error': 'seeds' }),
    request: h('p', { class: 'error', 'data-error': 'request' }),
  };
  const submit = h('button', { type: 'submit' }, 'start the sweep');

  const loadPreset = async () => {
    const schema = await get<{ properties: Record<string, object> }>(
      `/api/presets/${presetSelect.value}/schema`,
    );
    form = schemaForm(schema as never);
    fields.replaceChildren(form.element);
  };

  const element = h(
    'form',
    {
      class: 'start',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!form) return;
        let axesValue: unknown = {};
        try {
          axesValue = axes.value.trim() ? JSON.parse(axes.value) : {};
        } catch (err) {
          errors.request.textContent = `axes: not JSON (${(err as Error).message})`;
          return;
        }
        const seedCount = Number(seeds.value);
        const spec = {
          preset: presetSelect.value,
          config: form.values(),
          seeds: Number.isFinite(seedCount) && seeds.value.trim() ? seedCount : seeds.value,
          axes: axesValue,
          ...(name.value.trim() ? { name: name.value.trim() } : {}),
        };
        submit.disabled = true;
        try {
          const started = await post<{ id: string; name: string; trials: number }>('/api/sweeps', spec);
          navigate(`/?started=${encodeURIComponent(started.name)}`);
        } catch (err) {
          const fieldErrors = err instanceof ApiError ? err.fields : {};
          form.showErrors(fieldErrors);
          const message = (err as Error).message;
          errors.seeds.textContent = /seeds/.test(message) && !Object.keys(fieldErrors).length ? message : '';
          errors.request.textContent = Object.keys(fieldErrors).length
            ? 'Please correct the marked fields.'
            : message;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h1', {}, 'Start a sweep'),
    h('div', { class: 'field' }, h('label', { for: 'preset' }, 'preset'), presetSelect),
    fields,
    h('h2', {}, 'Sweep'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'seeds' }, 'seeds'),
      seeds,
      errors.seeds,
      h('small', {}, 'repeat every grid point over this many seeds'),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'axes' }, 'axes'),
      axes,
      h('small', {}, 'optional: fields to sweep, JSON, as in a spec file'),
    ),
    h('div', { class: 'field' }, h('label', { for: 'name' }, 'name'), name),
    errors.request,
    submit,
  );
  root.append(element);
  void get<{ name: string; description: string }[]>('/api/presets').then(async (presets) => {
    presetSelect.replaceChildren(
      ...presets.map((p) =>
        h('option', { value: p.name, title: p.description }, `${p.name} — ${p.description}`),
      ),
    );
    presetSelect.value = params.get('preset') ?? 'rff';
    await loadPreset();
    // (Not element.dataset: a form's named controls shadow its properties, and rff has a 'dataset'.)
    element.setAttribute('data-ready', '1');
  });
  return () => {};
};
