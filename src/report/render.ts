// Spec → SVG (vega, headless) → PNG (resvg). Node-only because of the native rasterizer.
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { VegaLiteSpec } from './figure-style.js';

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // Clone: vega mutates inline data rows, and a spec should render the same way twice.
  const view = new vega.View(vega.parse(vl.compile(structuredClone(spec)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

// Fonts come from an npm package, not the system, so PNGs are identical on every machine
// (resvg silently drops text when no font matches).
const require = createRequire(import.meta.url);
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);

export function svgToPng(svg: string, opts: { scale?: number } = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
