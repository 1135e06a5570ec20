// `ddlab run <preset>`: run one preset end to end — load data, run, write the run directory, print
// the summary.
import { resolve } from 'node:path';
import type { Config, Preset } from '../experiments/preset.js';
import { figureFor } from '../report/figures.js';
import { writeRunDirectory } from '../report/results-files.js';
import { loadDatasetByName } from './datasets.js';
import { progressBar } from './progress.js';
import { provenance } from './provenance.js';

export interface RunOptions {
  out: string;
  progress: boolean;
}

export async function runPresetCommand(preset: Preset, config: Config, options: RunOptions): Promise<void> {
  const started = new Date();
  const bar = progressBar(preset.name, options.progress);
  let result;
  try {
    result = await preset.run(config, {
      loadDataset: loadDatasetByName,
      onProgress: (done, total) => bar.update(done, total),
    });
  } finally {
    bar.stop();
  }
  const files = await writeRunDirectory(
    resolve(options.out),
    {
      experiment: preset.name,
      config,
      points: result.points,
      summary: result.summary,
      provenance: provenance(started, new Date()),
    },
    figureFor(preset.name, config, result),
  );
  const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1);
  console.log(`\nddlab run ${preset.name} — ${result.points.length} points in ${seconds} s\n`);
  console.log(result.summaryLines.join('\n'));
  console.log('\nwrote');
  for (const path of Object.values(files)) console.log(`  ${path}`);
}
