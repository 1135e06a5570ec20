// Reading results: `ddlab ls`, `ddlab show SWEEP`, `ddlab export SWEEP --csv|--json`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { presetNamed } from '../experiments/presets.js';
import { gridPointLine, sweepGrids } from '../report/run-directory.js';
import { Store } from '../store/store.js';
import type { GridAggregate } from '../sweep/aggregate.js';
import { aggregateCsv } from '../report/aggregate-csv.js';
import { sweepJson } from '../report/sweep-json.js';

const DB_OPTION = ['--db <path>', 'the SQLite store', 'ddlab.db'] as const;

/** These commands only read: the store must exist, and is opened so that nothing can change it. */
const openForReading = (db: string) => new Store(resolve(db), { readonly: true });

export function registerResultCommands(program: Command): void {
  program
    .command('ls')
    .description('list the sweeps in the store with their status and trial counts')
    .option(...DB_OPTION)
    .action((o: { db: string }) => {
      const store = openForReading(o.db);
      const sweeps = store.sweeps();
      store.close();
      if (sweeps.length === 0) return console.log(`no sweeps in ${o.db}`);
      console.log('id            name                      preset  trials  done  failed  pending  created');
      for (const s of sweeps) {
        const c = s.counts;
        const total = c.done + c.failed + c.pending + c.running;
        console.log(
          `${s.id}  ${s.name.padEnd(24).slice(0, 24)}  ${s.preset.padEnd(6)}  ${String(total).padStart(6)}  ` +
            `${String(c.done).padStart(4)}  ${String(c.failed).padStart(6)}  ${String(c.pending + c.running).padStart(7)}  ${s.created}`,
        );
      }
    });

  program
    .command('show')
    .description(
      'aggregate a sweep over seeds: per grid point and row, mean, std, median, IQR, 95% interval, n ok / failed',
    )
    .argument('<sweep>', 'sweep id (or a unique prefix) or name')
    .option('--metric <names>', 'comma-separated metrics to show (default: all)')
    .option(...DB_OPTION)
    .action((ref: string, o: { db: string; metric?: string }) => {
      const store = openForReading(o.db);
      const sweep = store.findSweep(ref);
      const grids = sweepGrids(store, sweep.id, presetNamed(sweep.preset));
      store.close();
      console.log(`sweep ${sweep.id} (${sweep.name}), preset ${sweep.preset}`);
      for (const line of showLines(grids, o.metric?.split(','))) console.log(line);
    });

  program
    .command('export')
    .description('export a sweep: every trial with its rows (--json) or the aggregate table (--csv)')
    .argument('<sweep>', 'sweep id (or a unique prefix) or name')
    .option('--csv', 'aggregate rows as CSV (one line per grid point, row and metric)')
    .option('--json', 'the sweep, its trials and their rows as JSON')
    .option('--out <file>', 'write to a file instead of stdout')
    .option(...DB_OPTION)
    .action((ref: string, o: { db: string; csv?: boolean; json?: boolean; out?: string }) => {
      if (!o.csv === !o.json) throw new Error('export needs exactly one of --csv or --json');
      const store = openForReading(o.db);
      const sweep = store.findSweep(ref);
      let text: string;
      if (o.json) {
        text = sweepJson(store, sweep);
      } else {
        text = aggregateCsv(sweepGrids(store, sweep.id, presetNamed(sweep.preset)));
      }
      store.close();
      if (o.out) writeFileSync(o.out, text);
      else process.stdout.write(text);
    });
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

export function showLines(grids: GridAggregate[], metrics?: string[]): string[] {
  const out: string[] = [];
  grids.forEach((g, k) => {
    out.push('');
    out.push(gridPointLine(g, k));
    if (g.rows.length === 0) return;
    const width = Math.max(3, ...g.rows.map((r) => rowLabel(r.x).length));
    out.push(
      `  ${'row'.padEnd(width)} ${'metric'.padEnd(12)} ${['n', 'mean', 'std', 'median', 'IQR', '95% CI'].map((h, i) => h.padStart(i < 4 ? 10 : 22)).join('')}`,
    );
    for (const row of g.rows) {
      const rowName = rowLabel(row.x);
      for (const [metric, s] of Object.entries(row.metrics)) {
        if (metrics && !metrics.includes(metric)) continue;
        out.push(
          `  ${rowName.padEnd(width)} ${metric.padEnd(12).slice(0, 12)} ${String(s.n).padStart(10)}${fmt(s.mean).padStart(10)}${fmt(s.std).padStart(10)}${fmt(s.median).padStart(10)}` +
            `${`[${fmt(s.q1)}, ${fmt(s.q3)}]`.padStart(22)}${`[${fmt(s.ci95Low)}, ${fmt(s.ci95High)}]`.padStart(22)}`,
        );
      }
    }
  });
  return out;
}

function rowLabel(x: Record<string, number>): string {
  return (
    Object.entries(x)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '-'
  );
}
