// `ddlab run rff`: the random-features double-descent experiment, end to end — load data, sweep N,
// write the run directory, print the summary.
import { resolve } from 'node:path';
import { runRff, type RffConfig } from '../experiments/rff.js';
import { rffFigureSpec } from '../report/rff-figure.js';
import { writeRunDirectory } from '../report/results-files.js';
import { idxPathsInDir, loadIdxDataset, loadMnist } from './datasets.js';
import { progressBar } from './progress.js';
import { provenance } from './provenance.js';
import { summaryTable } from './summary-table.js';

export interface RunOptions {
  out: string;
  progress: boolean;
}

export async function runRffCommand(config: RffConfig, options: RunOptions): Promise<void> {
  const started = new Date();
  const data =
    config.dataset === 'mnist' ? loadMnist() : loadIdxDataset(idxPathsInDir(config.dataset), config.dataset);
  const bar = progressBar('rff', options.progress);
  let result;
  try {
    result = await runRff(config, data, (done, total) => bar.update(done, total));
  } finally {
    bar.stop();
  }
  const title =
    `${config.kind === 'rff' ? 'Random Fourier' : 'Random ReLU'} features on ${data.name}: ` +
    `n = ${config.n}, ${config.nTest} test points${config.ridge ? `, ridge ${config.ridge}` : ''}`;
  const spec = rffFigureSpec(result.points, { threshold: config.n, title });
  const outDir = resolve(options.out);
  const files = await writeRunDirectory(
    outDir,
    {
      experiment: 'rff',
      config: { ...config },
      points: result.points,
      summary: { ...result.summary },
      provenance: provenance(started, new Date()),
    },
    spec,
  );
  const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1);
  console.log(`\nddlab run rff — ${result.points.length} model sizes in ${seconds} s\n`);
  console.log(summaryTable(result.summary));
  console.log('\nwrote');
  for (const path of Object.values(files)) console.log(`  ${path}`);
}
