// What the web lab's pages leave on the window (web/lab/src/lab-window.ts and chart.ts), as the
// end-to-end tests and the benchmark read it from Node.
export type Row = Record<string, number>;

export interface Lab {
  state: Record<string, number | string>;
  rows: Row[];
  summary?: Record<string, unknown>;
  seconds?: number;
  curveSeconds?: number;
  config?: Record<string, unknown>;
  threads?: number;
}

declare global {
  interface Window {
    ddlabLab?: Lab;
    ddlabCharts?: Map<string, { data(name: string): unknown[] }>;
    ddlabStreamed?: number[];
  }
}
