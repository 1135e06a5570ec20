// `ddlab theory <curve>`: a closed-form risk curve alone — printed as a table, or written as CSV or
// JSON — without running an experiment. Curves and conventions: src/theory/.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  gradientFlowCurve,
  hastieCurve,
  logSpace,
  reluFeaturesCurve,
  ridgeCurve,
  type CurveRow,
  type RidgeChoice,
} from '../theory/curves.js';
import type { LinearTarget } from '../theory/isotropic-least-squares.js';

interface OutputOptions {
  out?: string;
  json?: boolean;
}

/**
 * A grid option: a comma list `a,b,c`, or `start:stop:count` (count log-spaced values, both ends
 * included). Every value must be finite and above `low` (or ≥ low when !lowOpen).
 */
function grid(option: string, low: number, lowOpen: boolean, allowInfinity = false) {
  const bound = `${lowOpen ? '>' : '≥'} ${low}`;
  const value = (text: string, whole: string): number => {
    const x = text.trim() === 'inf' || text.trim() === 'Infinity' ? Infinity : Number(text);
    const ok =
      text.trim() !== '' &&
      !Number.isNaN(x) &&
      (Number.isFinite(x) || (allowInfinity && x === Infinity)) &&
      (lowOpen ? x > low : x >= low);
    if (!ok) throw new InvalidArgumentError(`${option} '${whole}': '${text}' is not a number ${bound}`);
    return x;
  };
  return (text: string): number[] => {
    if (text.includes(':')) {
      const parts = text.split(':');
      if (parts.length !== 3)
        throw new InvalidArgumentError(`${option} '${text}': expected start:stop:count`);
      const start = value(parts[0], text);
      const stop = value(parts[1], text);
      const count = Number(parts[2]);
      if (!/^\s*\d+\s*$/.test(parts[2]) || count < 1) {
        throw new InvalidArgumentError(`${option} '${text}': count '${parts[2]}' is not a positive integer`);
      }
      if (!(start > 0 && stop >= start && Number.isFinite(stop))) {
        throw new InvalidArgumentError(`${option} '${text}': a log-spaced range needs 0 < start ≤ stop < ∞`);
      }
      return logSpace(start, stop, count);
    }
    return text.split(',').map((t) => value(t, text));
  };
}

function scalar(option: string, low: number, lowOpen: boolean) {
  return (text: string): number => {
    const x = Number(text);
    if (text.trim() === '' || !Number.isFinite(x) || (lowOpen ? x <= low : x < low)) {
      throw new InvalidArgumentError(
        `${option} must be a finite number ${lowOpen ? '>' : '≥'} ${low}, got '${text}'`,
      );
    }
    return x;
  };
}

function positiveInteger(option: string) {
  return (text: string): number => {
    const x = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(x) || x < 1) {
      throw new InvalidArgumentError(`${option} must be a positive integer, got '${text}'`);
    }
    return x;
  };
}

function lambdas(text: string): RidgeChoice[] {
  return text.split(',').map((t) => {
    if (t.trim() === 'optimal') return 'optimal';
    const x = Number(t);
    if (t.trim() === '' || !Number.isFinite(x) || x < 0) {
      throw new InvalidArgumentError(`--lambda '${text}': '${t}' is neither a number ≥ 0 nor 'optimal'`);
    }
    return x;
  });
}

const format = (v: number) =>
  Number.isFinite(v) ? String(Number(v.toPrecision(6))) : v > 0 ? 'Infinity' : String(v);

/** The curve as an aligned text table, one row per line. */
export function curveTable(rows: CurveRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => (r[c] === undefined ? '' : format(r[c]))));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (values: string[]) => values.map((v, j) => v.padStart(widths[j])).join('  ');
  return [line(columns), ...cells.map(line)].join('\n');
}

/** CSV in the rows' column order; Infinity is written as `Infinity` (Number() reads it back). */
export function curveCsv(rows: CurveRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const body = rows.map((r) => columns.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(','));
  return [columns.join(','), ...body].join('\n') + '\n';
}

function emit(curve: string, parameters: Record<string, unknown>, rows: CurveRow[], o: OutputOptions): void {
  // JSON has no Infinity: it is written as null (the risk is infinite at the threshold).
  const text = o.json ? JSON.stringify({ curve, parameters, rows }, null, 2) + '\n' : undefined;
  if (o.out) {
    const path = resolve(o.out);
    writeFileSync(path, text ?? curveCsv(rows));
    console.log(`wrote ${path} (${rows.length} rows)`);
  } else {
    process.stdout.write(text ?? curveTable(rows) + '\n');
  }
}

/** An option with a parser and a default shown as text (grids would print as long arrays). */
function option<T>(
  flags: string,
  description: string,
  parse: (text: string) => T,
  fallback?: [T, string],
): Option {
  const o = new Option(flags, description).argParser(parse);
  return fallback ? o.default(fallback[0], fallback[1]) : o;
}

/** The target's options, the same in every curve: --signal ‖β‖ and --noise σ. */
interface TargetOptions {
  signal: number;
  noise: number;
  /** Old spellings, kept as aliases: --r for --signal, --sigma for --noise. */
  r?: number;
  sigma?: number;
}

function withTarget(cmd: Command, noiseSymbol: string): Command {
  const alias = (flags: string, of: string) =>
    option(flags, `alias of --${of}`, scalar(flags.split(' ')[0], 0, false)).conflicts(of);
  return cmd
    .addOption(option('--signal <x>', 'signal strength ‖β‖ ≥ 0', scalar('--signal', 0, false), [1, '1']))
    .addOption(
      option(
        '--noise <x>',
        `noise level: the label noise's standard deviation ${noiseSymbol} ≥ 0`,
        scalar('--noise', 0, false),
        [0.5, '0.5'],
      ),
    )
    .addOption(alias('--r <x>', 'signal'))
    .addOption(alias('--sigma <x>', 'noise'));
}

/** Signal and noise from the options, an alias's value where it was given. */
function target(o: TargetOptions): { signal: number; noise: number } {
  return { signal: o.r ?? o.signal, noise: o.sigma ?? o.noise };
}

/** The same target as the linear models' (src/theory/isotropic-least-squares): ‖β‖ = r, noise σ. */
function linearTarget(o: TargetOptions): LinearTarget {
  const { signal, noise } = target(o);
  return { r: signal, sigma: noise };
}

/** The options every curve has: the target's and the output's. */
function withCurveOptions(cmd: Command, noiseSymbol: string): Command {
  return withOutput(withTarget(cmd, noiseSymbol));
}

function withOutput(cmd: Command): Command {
  return cmd
    .option(
      '--out <file>',
      'write the curve to a file (CSV, or JSON with --json) instead of printing a table',
    )
    .option('--json', 'JSON instead of a table (printed, or written to --out)');
}

export function registerTheoryCommand(program: Command): Command {
  // Fresh Option objects per subcommand: commander keeps parsed state on them.
  const gammaOption = (fallback: [number[], string]) =>
    option('--gamma <grid>', 'γ = p/n values', grid('--gamma', 0, true), fallback);
  const theory = program
    .command('theory')
    .description(
      'print or write a closed-form risk curve (no experiment): hastie, ridge, rf-relu, gradient-flow',
    )
    .addHelpText(
      'after',
      '\nRisk is the excess test risk (the noise of a test label not included). Grids: a comma list\n' +
        "or start:stop:count (log-spaced). 'Infinity' marks the interpolation threshold (null in JSON).\n" +
        'Every curve takes --signal (‖β‖) and --noise (the label noise σ or τ); --r and --sigma are\n' +
        'aliases of them.',
    );

  withCurveOptions(
    theory
      .command('hastie')
      .description('ridgeless least squares, x ~ N(0, I_p), ‖β‖ = signal, noise σ (Hastie et al. 2019)')
      .addOption(gammaOption([logSpace(0.1, 10, 41), '0.1:10:41']))
      .addOption(
        option('--n <int>', 'also the exact finite-n expectation at p = round(γn)', positiveInteger('--n')),
      ),
    'σ',
  ).action((o: OutputOptions & TargetOptions & { gamma: number[]; n?: number }) => {
    const curve = hastieCurve({ gammas: o.gamma, target: linearTarget(o), n: o.n });
    emit('hastie', { ...target(o), n: o.n }, curve, o);
  });

  withCurveOptions(
    theory
      .command('ridge')
      .description('ridge (1/n)‖y − Xβ‖² + λ‖β‖² on the same model; λ = optimal is σ²γ/‖β‖²')
      .addOption(gammaOption([logSpace(0.1, 10, 41), '0.1:10:41']))
      .addOption(
        option<RidgeChoice[]>('--lambda <list>', "ridge penalties λ ≥ 0, or 'optimal'", lambdas, [
          [0.01, 0.1, 1, 'optimal'],
          '0.01,0.1,1,optimal',
        ]),
      ),
    'σ',
  ).action((o: OutputOptions & TargetOptions & { gamma: number[]; lambda: RidgeChoice[] }) => {
    emit('ridge', target(o), ridgeCurve({ gammas: o.gamma, lambdas: o.lambda, target: linearTarget(o) }), o);
  });

  withCurveOptions(
    theory
      .command('rf-relu')
      .description(
        'ridgeless random ReLU features, linear target ‖β‖ = F1 = signal, noise τ (Mei & Montanari 2019)',
      )
      .addOption(
        option('--psi1 <grid>', 'ψ1 = N/d values', grid('--psi1', 0, true), [
          logSpace(0.1, 100, 49),
          '0.1:100:49',
        ]),
      )
      .addOption(option('--psi2 <x>', 'ψ2 = n/d', scalar('--psi2', 0, true), [3, '3'])),
    'τ',
  ).action((o: OutputOptions & TargetOptions & { psi1: number[]; psi2: number }) => {
    const t = target(o);
    emit('rf-relu', { psi2: o.psi2, ...t }, reluFeaturesCurve({ psi1s: o.psi1, psi2: o.psi2, target: t }), o);
  });

  withCurveOptions(
    theory
      .command('gradient-flow')
      .description(
        'gradient flow from 0 on least squares, risk vs time t (Marchenko–Pastur; Advani & Saxe 2017)',
      )
      .addOption(gammaOption([[0.5, 1, 2], '0.5,1,2']))
      .addOption(
        option('--time <grid>', "times t ≥ 0 ('Infinity' allowed)", grid('--time', 0, false, true), [
          logSpace(0.01, 1e4, 25),
          '0.01:10000:25',
        ]),
      ),
    'σ',
  ).action((o: OutputOptions & TargetOptions & { gamma: number[]; time: number[] }) => {
    const curve = gradientFlowCurve({ gammas: o.gamma, times: o.time, target: linearTarget(o) });
    emit('gradient-flow', target(o), curve, o);
  });

  return theory;
}
