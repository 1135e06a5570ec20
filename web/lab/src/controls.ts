// The controls of a lab page, drawn from its fields: a slider per number (log-scaled where the field
// says so) with its value shown, a select per choice. `onChange` fires on every input event.
import type { Field, State } from './url-state';

export function controls(
  fields: readonly Field[],
  state: State,
  onChange: (key: string) => void,
): HTMLElement {
  const box = document.createElement('div');
  box.className = 'controls';
  for (const f of fields) {
    const label = document.createElement('label');
    label.textContent = f.label + ' ';
    const shown = document.createElement('output');
    if (f.kind === 'choice') {
      const select = document.createElement('select');
      select.name = f.key;
      for (const c of f.choices) select.append(new Option(c, c, false, c === state[f.key]));
      select.addEventListener('input', () => {
        state[f.key] = select.value;
        onChange(f.key);
      });
      label.append(select);
    } else {
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.name = f.key;
      // A log field's slider moves in log10 units; its value is rounded to the field's step.
      const toSlider = (v: number) => (f.log ? Math.log10(v) : v);
      const fromSlider = (s: number) => {
        const v = f.log ? 10 ** s : s;
        return Math.min(f.max, Math.max(f.min, Math.round(v / f.step) * f.step));
      };
      slider.min = String(toSlider(f.min));
      slider.max = String(toSlider(f.max));
      slider.step = f.log ? 'any' : String(f.step);
      slider.value = String(toSlider(state[f.key] as number));
      shown.textContent = format(state[f.key] as number);
      slider.addEventListener('input', () => {
        const v = Number(fromSlider(Number(slider.value)).toPrecision(12));
        shown.textContent = format(v);
        if (v === state[f.key]) return;
        state[f.key] = v;
        onChange(f.key);
      });
      label.append(slider, ' ', shown);
    }
    box.append(label);
  }
  return box;
}

const format = (v: number) => String(Number(v.toPrecision(4)));
