// The `ddlab` command line.
import { Command, Option } from 'commander';
import type { Config } from '../experiments/preset.js';
import { PRESETS, presetNamed } from '../experiments/presets.js';
import { featureSpec, integer, numberInRange, oneOf, positiveInteger, setting } from './options.js';
import { ddlabVersion } from './provenance.js';
import { runPresetCommand } from './run-preset.js';

const program = new Command('ddlab')
  .description('Measure double descent and the generalization of over-parameterized models.')
  .version(ddlabVersion())
  .showHelpAfterError();

// Named options map onto config fields of the same name; a preset rejects fields it does not have.
const FIELD_OF: Record<string, string> = {
  dataset: 'dataset',
  n: 'n',
  nTest: 'nTest',
  kind: 'kind',
  sigma: 'sigma',
  features: 'features',
  ridge: 'ridge',
  labelNoise: 'labelNoise',
  seed: 'seed',
};

program
  .command('run')
  .description(
    'run a preset experiment and write its run directory (results.json, results.csv, figure.svg/png)',
  )
  .argument(
    '<preset>',
    `one of: ${Object.values(PRESETS)
      .map((p) => `${p.name} (${p.description})`)
      .join('; ')}`,
    oneOf('preset', Object.keys(PRESETS)),
  )
  .option('--dataset <mnist|DIR>', "'mnist' (shipped) or a folder with the four MNIST-format IDX files")
  .option('--n <int>', 'training points (the interpolation threshold is N = n)', positiveInteger('--n'))
  .option('--n-test <int>', 'test points', positiveInteger('--n-test'))
  .addOption(
    new Option('--kind <kind>', 'feature family: rff (random Fourier) or relu (random ReLU)').choices([
      'rff',
      'relu',
    ]),
  )
  .option(
    '--sigma <x>',
    'RFF kernel bandwidth σ: v ~ N(0, σ⁻² I)',
    numberInRange('--sigma', 0, Infinity, true),
  )
  .option(
    '--features <list|start:stop:count>',
    "model sizes N: a comma list, or count log-spaced sizes (plus N = n when inside the range); default 'auto' = n/10:20n:30",
    featureSpec,
  )
  .option(
    '--ridge <x>',
    'ridge λ in ‖Y − Za‖² + λ‖a‖² (0: least squares / minimum norm)',
    numberInRange('--ridge', 0, Infinity),
  )
  .option(
    '--label-noise <p>',
    'fraction of training labels replaced by a random wrong class',
    numberInRange('--label-noise', 0, 1),
  )
  .option('--seed <int>', 'seed for the subset, the label noise and the features', integer('--seed'))
  .option(
    '--set <field=value...>',
    'set any config field (value as JSON, else a string); repeatable',
    setting,
    {},
  )
  .option('--print-spec', "print the preset's resolved configuration as JSON and exit")
  .option('--out <dir>', 'run directory to write (default: runs/<preset>)')
  .option('--no-progress', 'do not show the progress bar')
  .addHelpText('after', '\nDefaults come from the preset: see them with `ddlab run <preset> --print-spec`.')
  .action(async (name: string, o: Record<string, unknown>) => {
    const preset = presetNamed(name);
    const partial: Config = { ...(o.set as Config) };
    for (const [option, field] of Object.entries(FIELD_OF))
      if (o[option] !== undefined) partial[field] = o[option];
    const config = preset.resolve(partial);
    if (o.printSpec) {
      console.log(JSON.stringify({ preset: preset.name, config }, null, 2));
      return;
    }
    await runPresetCommand(preset, config, {
      out: (o.out as string | undefined) ?? `runs/${preset.name}`,
      progress: o.progress as boolean,
    });
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`ddlab: error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
