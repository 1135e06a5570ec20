// Implicit gradient regularization (Barrett & Dherin 2020; udlbook notebook 9.2): gradient descent
// with step h on E(a, b) = ½(y − abx)² follows the gradient flow of the modified loss
// Ẽ = E + (h/4)‖∇E‖² more closely than the flow of E itself (one step: O(h³) against O(h²)). The
// contours of E, the GD path and both flows, integrated by the igr-modified-flow preset's RK4 for the
// same total time. Arithmetic only, so it runs on the page's thread, on every slider step.
import type { TopLevelSpec } from 'vega-lite';
import { integrateFlow } from '../../../src/fit/gradient-flow-integrator';
import {
  stepVersusFlows,
  twoParameterModel,
} from '../../../src/experiments/implicit-regularization/igr-modified-flow';
import { liveChart } from './chart';
import { controls } from './controls';
import { publish } from './lab-window';
import { pageShell, showProblems } from './page-shell';
import { readState, writeState, type Field, type State } from './url-state';

/** The example's data point (x, y) = (2, 1.5), as in the preset. */
export const X = 2;
export const Y = 1.5;
/** RK4 substeps per GD step for the flows (the preset's default per flow is 200 over one step). */
export const SUBSTEPS = 200;

export const IGR_FIELDS: Field[] = [
  { kind: 'number', key: 'h', label: 'step h', default: 0.1, min: 0.001, max: 0.4, step: 0.001, log: true },
  { kind: 'number', key: 'steps', label: 'GD steps', default: 30, min: 1, max: 200, step: 1 },
  // The preset's start (0.3, 0.8). Far out (a² + b² ≳ 2/h·x⁻²) GD oscillates across the valley: the
  // Hessian's top eigenvalue there, x²(a² + b²), exceeds 2/h.
  { kind: 'number', key: 'a', label: 'start a₀', default: 0.3, min: -2, max: 2, step: 0.01 },
  { kind: 'number', key: 'b', label: 'start b₀', default: 0.8, min: -2, max: 2, step: 0.01 },
];

type Point = [number, number];

/** GD iterates and the two flows sampled at the same times k·h, k = 0 … steps. */
export async function igrPaths(s: State) {
  const h = s.h as number;
  const steps = s.steps as number;
  const model = twoParameterModel(X, Y, [s.a as number, s.b as number]);
  const gradient = (t: Float64Array) => model.gradient(t) as Float64Array;
  const modifiedField = (t: Float64Array) => {
    const g = gradient(t);
    const hg = model.hessianTimes(t, g) as Float64Array;
    return g.map((v, i) => v + (h / 2) * hg[i]);
  };
  const gd: Point[] = [[...model.start] as Point];
  const flow: Point[] = [[...model.start] as Point];
  const modified: Point[] = [[...model.start] as Point];
  let [p, f, m] = [model.start, model.start, model.start];
  for (let k = 0; k < steps; k++) {
    const g = gradient(p);
    p = p.map((v, i) => v - h * g[i]);
    f = await integrateFlow(gradient, f, h, SUBSTEPS);
    m = await integrateFlow(modifiedField, m, h, SUBSTEPS);
    gd.push([p[0], p[1]]);
    flow.push([f[0], f[1]]);
    modified.push([m[0], m[1]]);
  }
  // One step from the start, as the preset measures it.
  const oneStep = await stepVersusFlows(model, h, SUBSTEPS);
  return { gd, flow, modified, oneStep };
}

const loss = ([a, b]: Point) => 0.5 * (Y - a * b * X) ** 2;
const gradNorm2 = ([a, b]: Point) => {
  const r = Y - a * b * X;
  return (r * b * X) ** 2 + (r * a * X) ** 2;
};

/** E on a grid over [−2, 2]² (log10, floored: the minimum set ab = y/x is a valley of zeros). */
function contourGrid(): object[] {
  const out: object[] = [];
  const m = 60;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const a = -2 + (4 * (i + 0.5)) / m;
      const b = -2 + (4 * (j + 0.5)) / m;
      const half = 2 / m;
      out.push({
        a: a - half,
        a2: a + half,
        b: b - half,
        b2: b + half,
        logE: Math.log10(Math.max(loss([a, b]), 1e-4)),
      });
    }
  }
  return out;
}

/** The minima ab = y/x: two branches of a hyperbola inside the plotted square. */
function minimumCurve(): object[] {
  const c = Y / X;
  const out: object[] = [];
  for (const sign of [1, -1]) {
    for (let k = 0; k <= 80; k++) {
      const a = sign * (c / 2 + ((2 - c / 2) * k) / 80);
      out.push({ a, b: c / a, branch: sign });
    }
  }
  return out;
}

function spec(data: Record<string, object[]>): TopLevelSpec {
  const xy = {
    x: { field: 'a', type: 'quantitative', scale: { domain: [-2, 2] }, title: 'a' },
    y: { field: 'b', type: 'quantitative', scale: { domain: [-2, 2] }, title: 'b' },
  };
  return {
    width: 480,
    height: 480,
    title: 'E(a, b) = ½(y − abx)², x = 2, y = 1.5',
    datasets: data,
    layer: [
      {
        data: { name: 'grid' },
        mark: { type: 'rect' },
        encoding: {
          ...xy,
          x2: { field: 'a2' },
          y2: { field: 'b2' },
          color: {
            field: 'logE',
            type: 'quantitative',
            scale: { scheme: 'greys', reverse: true },
            title: 'log₁₀ E',
          },
        },
      },
      {
        data: { name: 'minima' },
        mark: { type: 'line', strokeDash: [4, 3], color: '#2a7', clip: true },
        encoding: { ...xy, detail: { field: 'branch' }, order: { field: 'a' } },
      },
      {
        data: { name: 'paths' },
        mark: { type: 'line', point: { size: 14 }, clip: true },
        encoding: {
          ...xy,
          color: { field: 'path', type: 'nominal', scale: { scheme: 'category10' }, title: null },
          order: { field: 'k' },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

/** The paths close up: their own bounding box (padded), with the valley of minima through it. */
function zoomSpec(data: Record<string, object[]>): TopLevelSpec {
  const xy = {
    x: { field: 'a', type: 'quantitative', scale: { zero: false }, title: 'a' },
    y: { field: 'b', type: 'quantitative', scale: { zero: false }, title: 'b' },
  };
  return {
    width: 420,
    height: 420,
    title: 'close up: GD (points at k·h) and the two flows',
    datasets: data,
    layer: [
      {
        data: { name: 'minima' },
        mark: { type: 'line', strokeDash: [4, 3], color: '#2a7' },
        encoding: { ...xy, order: { field: 'a' } },
      },
      {
        data: { name: 'paths' },
        mark: { type: 'line', point: { size: 18 } },
        encoding: {
          ...xy,
          color: { field: 'path', type: 'nominal', scale: { scheme: 'category10' }, title: null },
          order: { field: 'k' },
        },
      },
    ],
  } as TopLevelSpec;
}

/** The valley ab = y/x inside the box of the points (a > 0 or a < 0 as they are). */
function minimaIn(points: Point[]): object[] {
  const as = points.map((p) => p[0]);
  const bs = points.map((p) => p[1]);
  const [a0, a1, b0, b1] = [Math.min(...as), Math.max(...as), Math.min(...bs), Math.max(...bs)];
  const out: object[] = [];
  for (let k = 0; k <= 200; k++) {
    const a = a0 + ((a1 - a0) * k) / 200;
    const b = Y / X / a;
    if (a !== 0 && b >= b0 && b <= b1) out.push({ a, b });
  }
  return out;
}

export function startImplicitRegularizationPage(): void {
  const shell = pageShell(
    'Implicit regularization',
    'Gradient descent with step h on E(a, b) = ½(y − abx)² (Barrett & Dherin 2020) against the gradient flows of E and of the modified loss Ẽ = E + (h/4)‖∇E‖², all sampled at the times k·h. GD stays close to the flow of Ẽ: it is implicitly regularized towards small ‖∇E‖², i.e. balanced (a, b) on the valley of minima ab = y/x (dashed). The one-step distances are what the igr-modified-flow preset measures: O(h²) to the flow of E, O(h³) to the flow of Ẽ.',
  );
  const { state, problems } = readState(IGR_FIELDS, location.search);
  showProblems(shell, problems);
  const chart = liveChart('igr', spec);
  const zoom = liveChart('igr-zoom', zoomSpec);
  shell.figures.append(chart.element, zoom.element);
  const grid = contourGrid();
  const minima = minimumCurve();
  let latest = 0;
  const draw = async () => {
    const id = ++latest;
    writeState(IGR_FIELDS, state);
    const t0 = performance.now();
    const { gd, flow, modified, oneStep } = await igrPaths(state);
    if (id !== latest) return; // a newer slider step superseded this one
    const rows = (name: string, pts: Point[]) => pts.map(([a, b], k) => ({ a, b, k, path: name }));
    const paths = [
      ...rows('gradient descent', gd),
      ...rows('flow of E', flow),
      ...rows('flow of Ẽ', modified),
    ];
    await Promise.all([
      chart.update({ grid, minima, paths }),
      zoom.update({ paths, minima: minimaIn([...gd, ...flow, ...modified]) }),
    ]);
    const end = (pts: Point[]) => pts[pts.length - 1];
    const summary = {
      oneStep,
      final: Object.fromEntries(
        (
          [
            ['gd', gd],
            ['flow', flow],
            ['modified', modified],
          ] as const
        ).map(([name, pts]) => {
          const p = end(pts);
          return [
            name,
            { a: p[0], b: p[1], loss: loss(p), gradNorm2: gradNorm2(p), norm2: p[0] ** 2 + p[1] ** 2 },
          ];
        }),
      ),
    };
    const seconds = (performance.now() - t0) / 1000;
    publish({
      state: { ...state },
      rows: gd.map(([a, b], k) => ({
        k,
        a,
        b,
        flowA: flow[k][0],
        flowB: flow[k][1],
        modA: modified[k][0],
        modB: modified[k][1],
      })),
      summary,
      seconds,
    });
    shell.notes.replaceChildren(table(summary));
    shell.status.set(
      'done',
      `${state.steps} steps and two flows (RK4, ${SUBSTEPS} substeps per step) in ${(seconds * 1000).toFixed(0)} ms`,
    );
  };
  shell.controls.append(controls(IGR_FIELDS, state, () => void draw()));
  void draw();
}

type Summary = {
  oneStep: { toFlow: number; toModifiedFlow: number };
  final: Record<string, { a: number; b: number; loss: number; gradNorm2: number; norm2: number }>;
};

function table(s: Summary): HTMLElement {
  const t = document.createElement('table');
  t.id = 'summary';
  const g = (x: number) => x.toPrecision(4);
  const rows: string[][] = [
    [
      'after one step: distance of GD to',
      'flow of E',
      g(s.oneStep.toFlow),
      'flow of Ẽ',
      g(s.oneStep.toModifiedFlow),
    ],
    ['at the end', 'a, b', 'E', '‖∇E‖²', 'a² + b²'],
    ...(
      [
        ['gradient descent', 'gd'],
        ['flow of E', 'flow'],
        ['flow of Ẽ', 'modified'],
      ] as const
    ).map(([name, key]) => {
      const f = s.final[key];
      return [name, `${g(f.a)}, ${g(f.b)}`, g(f.loss), g(f.gradNorm2), g(f.norm2)];
    }),
  ];
  for (const cells of rows) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    t.append(tr);
  }
  return t;
}
