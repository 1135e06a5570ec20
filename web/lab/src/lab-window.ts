// What a lab page leaves on the window for the end-to-end tests (and for devtools): its state, the
// rows it last computed, and how long that took.
import type { Row } from './compute-protocol';

declare global {
  interface Window {
    /** The random-features page: the number of points drawn at each streamed step of the last run. */
    ddlabStreamed?: number[];
    ddlabLab?: {
      state: Record<string, number | string>;
      rows: Row[];
      summary?: unknown;
      seconds?: number;
      curveSeconds?: number;
      config?: unknown;
      threads?: number;
    };
  }
}

export function publish(lab: NonNullable<Window['ddlabLab']>): void {
  window.ddlabLab = lab;
}
