// The figures of the run directory made interactive for the browser, by rewriting their Vega-Lite
// specs rather than keeping a second set: tooltips with every field of the hovered row at full
// precision, log/linear axes, series switched on and off from the legend, panels shown or hidden.
// Pure spec → spec (isomorphic), so it is tested without a browser.
import type { VegaLiteSpec } from './figure-style.js';

type Json = Record<string, unknown>;
type Axis = 'x' | 'y';

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every unit view (an object with `mark` and `encoding`) in the spec, in document order. */
function units(spec: unknown): Json[] {
  return unitsWithData(spec).map(([u]) => u);
}

/** Every unit view with the first row of the data it draws (its own or inherited), if inline. */
function unitsWithData(spec: unknown): [Json, Json | undefined][] {
  const out: [Json, Json | undefined][] = [];
  const walk = (v: unknown, inherited: Json | undefined) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, inherited));
    if (!isObject(v)) return;
    const values = isObject(v.data) ? v.data.values : undefined;
    const row = Array.isArray(values) ? (isObject(values[0]) ? values[0] : undefined) : inherited;
    if ('mark' in v && isObject(v.encoding)) out.push([v, row]);
    for (const key of ['layer', 'vconcat', 'hconcat', 'concat', 'spec']) if (key in v) walk(v[key], row);
  };
  walk(spec, undefined);
  return out;
}

/** The seed statistics that flatten (sweep/aggregate.ts) puts beside a metric's median. */
const STATS = ['q1', 'q3', 'mean', 'std', 'n'];

/**
 * Tooltips on every mark but the rules: the row's x, y and series, and the metric's quartiles,
 * mean, std and seed count where the rows carry them, to 17 significant digits (exact, where the
 * axes round).
 */
export function withTooltips(spec: VegaLiteSpec): VegaLiteSpec {
  const s = structuredClone(spec);
  for (const [u, row] of unitsWithData(s)) {
    if (isRule(u)) continue;
    const encoding = u.encoding as Json;
    const fields: string[] = [];
    for (const channel of ['x', 'y', 'color']) {
      const enc = encoding[channel];
      if (isObject(enc) && typeof enc.field === 'string' && !fields.includes(enc.field))
        fields.push(enc.field);
    }
    const y = isObject(encoding.y) ? encoding.y.field : undefined;
    if (typeof y === 'string' && row)
      for (const stat of STATS) if (`${y}_${stat}` in row) fields.push(`${y}_${stat}`);
    const colorField = isObject(encoding.color) ? encoding.color.field : undefined;
    const typeOf = (f: string) =>
      row && f in row
        ? typeof row[f] === 'number'
          ? 'quantitative'
          : 'nominal'
        : f === colorField
          ? 'nominal'
          : 'quantitative';
    encoding.tooltip = fields.map((field) =>
      typeOf(field) === 'quantitative'
        ? { field, type: 'quantitative', format: '.17~g' }
        : { field, type: 'nominal' },
    );
  }
  return s;
}

/** The scale type of the first quantitative encoding on `axis` that has data fields: log or linear. */
export function scaleType(spec: VegaLiteSpec, axis: Axis): 'log' | 'linear' | undefined {
  for (const u of units(spec)) {
    const enc = (u.encoding as Json)[axis];
    if (!isObject(enc) || enc.type !== 'quantitative' || isRule(u)) continue;
    const scale = isObject(enc.scale) ? enc.scale : {};
    return scale.type === 'log' ? 'log' : 'linear';
  }
  return undefined;
}

/** Every quantitative `axis` scale set to `type` (threshold rules follow, being on the same scale). */
export function withScale(spec: VegaLiteSpec, axis: Axis, type: 'log' | 'linear'): VegaLiteSpec {
  const s = structuredClone(spec);
  for (const u of units(s)) {
    const encoding = u.encoding as Json;
    for (const channel of axis === 'x' ? ['x', 'x2'] : ['y', 'y2']) {
      const enc = encoding[channel];
      if (!isObject(enc) || (enc.type !== undefined && enc.type !== 'quantitative')) continue;
      const { zero: _zero, ...scale } = isObject(enc.scale) ? enc.scale : {};
      // Without 'zero': a log scale cannot hold it, and a linear one then fits the data.
      enc.scale = { ...scale, type };
    }
  }
  return s;
}

/**
 * Clicking a legend entry picks its series (shift-click adds more); the others fade. Each unit view
 * with a nominal colour gets its own selection, since Vega-Lite wants unique parameter names.
 */
export function withSeriesToggles(spec: VegaLiteSpec): VegaLiteSpec {
  const s = structuredClone(spec);
  units(s).forEach((u, i) => {
    const encoding = u.encoding as Json;
    const color = encoding.color;
    if (!isObject(color) || color.type !== 'nominal' || typeof color.field !== 'string') return;
    const name = `series_${i}`;
    u.params = [
      ...((u.params as unknown[]) ?? []),
      { name, select: { type: 'point', fields: [color.field] }, bind: 'legend' },
    ];
    // Picked (or nothing picked): the mark's own opacity, so bands stay translucent; else faded.
    const own = markOpacity(u, s as unknown as Json);
    encoding.opacity = { condition: { param: name, value: own, empty: true }, value: own * 0.12 };
  });
  return s;
}

/** The opacity Vega-Lite would give the unit's mark: its own, its config's, or the default. */
function markOpacity(u: Json, top: Json): number {
  const mark = isObject(u.mark) ? u.mark : { type: u.mark };
  if (typeof mark.opacity === 'number') return mark.opacity;
  const config = isObject(top.config) ? top.config : {};
  for (const key of [mark.type, 'mark'])
    if (typeof key === 'string' && isObject(config[key]) && typeof config[key].opacity === 'number')
      return config[key].opacity as number;
  // Vega-Lite's default: points, ticks, circles and squares 0.7 (unless aggregated), others opaque.
  return ['point', 'tick', 'circle', 'square'].includes(mark.type as string) ? 0.7 : 1;
}

/** The panel titles of a vertically stacked figure (its y titles), or [] for a single panel. */
export function panelTitles(spec: VegaLiteSpec): string[] {
  const panels = (spec as unknown as Json).vconcat;
  if (!Array.isArray(panels) || panels.length < 2) return [];
  return panels.map((p, i) => {
    const y = units(p)
      .map((u) => (u.encoding as Json).y)
      .find((y) => isObject(y) && typeof y.title === 'string') as Json | undefined;
    return (y?.title as string | undefined) ?? `panel ${i + 1}`;
  });
}

/** Only the panels whose flag is set (all of them when none is). */
export function withPanels(spec: VegaLiteSpec, shown: boolean[]): VegaLiteSpec {
  const s = structuredClone(spec) as unknown as Json;
  if (!Array.isArray(s.vconcat) || !shown.some(Boolean)) return s as unknown as VegaLiteSpec;
  s.vconcat = s.vconcat.filter((_, i) => shown[i] !== false);
  return s as unknown as VegaLiteSpec;
}

function isRule(u: Json): boolean {
  const mark = u.mark;
  return mark === 'rule' || (isObject(mark) && mark.type === 'rule');
}
