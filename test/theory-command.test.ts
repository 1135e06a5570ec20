// `ddlab theory …`, run in-process on a fresh commander program (the same registration main.ts does).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { curveCsv, registerTheoryCommand } from '../src/cli/theory-command.js';
import { ridgelessRisk } from '../src/theory/isotropic-least-squares.js';
import { randomFeaturesRisk } from '../src/theory/random-features-relu.js';

interface Outcome {
  stdout: string;
  stderr: string;
  /** Commander's exit code for usage errors, 1 for errors thrown by the action, else 0. */
  code: number;
  error?: string;
}

async function ddlab(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const program = new Command('ddlab').exitOverride().configureOutput({
    writeOut: (s) => void (stdout += s),
    writeErr: (s) => void (stderr += s),
  });
  registerTheoryCommand(program);
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += a.join(' ') + '\n'));
  try {
    await program.parseAsync(['node', 'ddlab', 'theory', ...args]);
    return { stdout, stderr, code: 0 };
  } catch (e) {
    if (e instanceof CommanderError) return { stdout, stderr, code: e.exitCode, error: e.message };
    return { stdout, stderr, code: 1, error: (e as Error).message };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const tableRows = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));

describe('ddlab theory', () => {
  it('hastie prints a table with Infinity at γ = 1 and the finite-n column', async () => {
    const r = await ddlab(['hastie', '--gamma', '0.5,1,2', '--sigma', '1', '--n', '100']);
    expect(r.code).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows[0]).toEqual(['gamma', 'risk', 'p', 'riskFinite']);
    expect(rows[1]).toEqual(['0.5', '1', '50', String(Number((50 / 49).toPrecision(6)))]);
    expect(rows[2][1]).toBe('Infinity');
    expect(Number(rows[3][1])).toBeCloseTo(ridgelessRisk(2, { r: 1, sigma: 1 }), 5);
  });

  it('rf-relu writes CSV with --out and JSON with --json (null where infinite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddlab-theory-'));
    const csv = join(dir, 'rf.csv');
    const r = await ddlab(['rf-relu', '--psi1', '1,3,10', '--psi2', '3', '--out', csv]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${csv} (3 rows)`);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('psi1,psi2,risk,bias,variance');
    expect(Number(lines[1].split(',')[2])).toBe(randomFeaturesRisk(1, 3, { signal: 1, noise: 0.5 }).risk);
    expect(lines[2].split(',')[2]).toBe('Infinity');

    const j = await ddlab(['rf-relu', '--psi1', '1,3', '--json']);
    const parsed = JSON.parse(j.stdout) as { curve: string; rows: Record<string, number | null>[] };
    expect(parsed.curve).toBe('rf-relu');
    expect(parsed.rows[1].risk).toBeNull();
  });

  it('ridge and gradient-flow accept grids, optimal and Infinity', async () => {
    const r = await ddlab(['ridge', '--gamma', '0.1:10:3', '--lambda', '0,optimal']);
    expect(r.code).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows).toHaveLength(1 + 6);
    expect(rows.slice(1).map((x) => x[2])).toEqual(['0', '0', '0', '1', '1', '1']);
    const g = await ddlab(['gradient-flow', '--gamma', '2', '--time', '0,Infinity']);
    expect(tableRows(g.stdout).slice(1)).toEqual([
      ['2', '0', '1'],
      ['2', 'Infinity', '0.75'],
    ]);
  });

  it('takes --signal/--noise in every curve, with --r/--sigma as aliases', async () => {
    const curves = [
      ['hastie', '--gamma', '0.5,2', '--n', '100'],
      ['ridge', '--gamma', '0.5,2', '--lambda', '0.1,optimal'],
      ['rf-relu', '--psi1', '1,10'],
      ['gradient-flow', '--gamma', '2', '--time', '1,Infinity'],
    ];
    for (const curve of curves) {
      const name = curve[0];
      const json = await ddlab([...curve, '--signal', '2', '--noise', '0.3', '--json']);
      expect(json.code, name).toBe(0);
      const parsed = JSON.parse(json.stdout) as { parameters: Record<string, unknown> };
      expect(parsed.parameters, name).toMatchObject({ signal: 2, noise: 0.3 });
      const defaults = await ddlab(curve);
      const table = await ddlab([...curve, '--signal', '2', '--noise', '0.3']);
      const aliased = await ddlab([...curve, '--r', '2', '--sigma', '0.3']);
      expect(table.stdout, name).not.toBe(defaults.stdout);
      expect(aliased, name).toEqual(table);
    }
    // By hand: Hastie's ridgeless risk with ‖β‖ = 2, σ = 0.3 at γ = 2 is 4·(1 − 1/2) + 0.09/(2 − 1).
    const h = await ddlab(['hastie', '--gamma', '2', '--r', '2', '--sigma', '0.3']);
    expect(Number(tableRows(h.stdout)[1][1])).toBeCloseTo(2.09, 5);
    const help = await ddlab(['hastie', '--help']);
    expect(help.stdout).toMatch(/--r <x>\s+alias of --signal/);
    expect(help.stdout).toMatch(/--sigma <x>\s+alias of --noise/);
  });

  it('rejects a value given under both a name and its alias', async () => {
    const r = await ddlab(['hastie', '--signal', '1', '--r', '2']);
    expect(r.code).not.toBe(0);
    expect(r.error).toMatch(/option '--r <x>' cannot be used with option '--signal <x>'/);
    const n = await ddlab(['rf-relu', '--sigma', '1', '--noise', '2']);
    expect(n.error).toMatch(/option '--sigma <x>' cannot be used with option '--noise <x>'/);
  });

  it('rejects bad parameters by name with a non-zero exit', async () => {
    const cases: [string[], RegExp][] = [
      [['hastie', '--gamma', '0,1'], /--gamma '0,1': '0' is not a number > 0/],
      [['hastie', '--sigma', '-1'], /--sigma must be a finite number ≥ 0, got '-1'/],
      [['hastie', '--noise', '-1'], /--noise must be a finite number ≥ 0, got '-1'/],
      [['rf-relu', '--r', 'x'], /--r must be a finite number ≥ 0, got 'x'/],
      [
        ['ridge', '--lambda', '0.1,best'],
        /--lambda '0.1,best': 'best' is neither a number ≥ 0 nor 'optimal'/,
      ],
      [['rf-relu', '--psi2', '0'], /--psi2 must be a finite number > 0/],
      [['gradient-flow', '--time', '1:2'], /--time '1:2': expected start:stop:count/],
      [['hastie', '--psi1', '3'], /unknown option '--psi1'/],
      [['hastie', '--n', '5', '--gamma', '0.01'], /gamma = 0.01 with n = 5 gives p = 0/],
      [['nonsense'], /unknown command 'nonsense'/],
    ];
    for (const [args, message] of cases) {
      const r = await ddlab(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(`${r.error ?? ''}\n${r.stderr}`, args.join(' ')).toMatch(message);
    }
  });

  it('curveCsv keeps the rows’ column order and round-trips numbers', () => {
    expect(curveCsv([{ b: 0.1 + 0.2, a: Infinity }])).toBe('b,a\n0.30000000000000004,Infinity\n');
  });
});
