// A live Vega-Lite chart: embedded once, then fed new rows through its named data sets (no
// re-embedding per update, which is what keeps a slider drag smooth).
import embed, { type Result } from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';

declare global {
  interface Window {
    /** The lab's charts by name, for the end-to-end tests and for poking at the lab in devtools. */
    ddlabCharts?: Map<string, Result['view']>;
  }
}

export interface LiveChart {
  element: HTMLElement;
  /** Replaces the rows of the named data sets (and sets the named params) and redraws. */
  update(data: Record<string, object[]>, params?: Record<string, unknown>): Promise<void>;
}

export function liveChart(name: string, spec: TopLevelSpec): LiveChart {
  const element = document.createElement('div');
  element.className = 'chart';
  element.dataset.chart = name;
  const ready = embed(element, spec, { actions: { export: true, source: false, compiled: false, editor: false } }).then(
    (r) => {
      (window.ddlabCharts ??= new Map()).set(name, r.view);
      return r.view;
    },
  );
  let drawing = Promise.resolve();
  return {
    element,
    update(data, params = {}) {
      drawing = drawing.then(async () => {
        const view = await ready;
        for (const [key, rows] of Object.entries(data)) view.data(key, rows);
        for (const [key, value] of Object.entries(params)) view.signal(key, value);
        await view.runAsync();
      });
      return drawing;
    },
  };
}

/** Rows whose `field` is a finite number > 0 where `log` (a log axis cannot show the rest). */
export function plottable<T extends Record<string, unknown>>(rows: T[], fields: string[]): T[] {
  return rows.filter((r) => fields.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f]) && (r[f] as number) > 0));
}
