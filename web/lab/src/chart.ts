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

/**
 * A chart embedded on its first update, with that update's rows inlined in the spec (Vega draws an
 * empty log-scaled data set with an infinite extent), then fed through its named data sets.
 */
export function liveChart(
  name: string,
  specFor: (data: Record<string, object[]>, params: Record<string, unknown>) => TopLevelSpec,
): LiveChart {
  const element = document.createElement('div');
  element.className = 'chart';
  element.dataset.chart = name;
  let view: Result['view'] | undefined;
  let drawing = Promise.resolve();
  return {
    element,
    update(data, params = {}) {
      drawing = drawing.then(async () => {
        if (!view) {
          const r = await embed(element, specFor(data, params), { actions: ACTIONS });
          view = r.view;
          (window.ddlabCharts ??= new Map()).set(name, view);
          return;
        }
        for (const [key, rows] of Object.entries(data)) view.data(key, rows);
        for (const [key, value] of Object.entries(params)) view.signal(key, value);
        // New rows can widen the axis labels: re-run the autosize layout, or they are cut off.
        await view.resize().runAsync();
      });
      return drawing;
    },
  };
}

const ACTIONS = { export: true, source: false, compiled: false, editor: false };

/** Rows whose `field` is a finite number > 0 where `log` (a log axis cannot show the rest). */
export function plottable<T extends Record<string, unknown>>(rows: T[], fields: string[]): T[] {
  return rows.filter((r) =>
    fields.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f]) && (r[f] as number) > 0),
  );
}
