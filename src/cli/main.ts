// The `ddlab` command line.
import { Command, Option } from 'commander';
import { RFF_DEFAULTS, type RffConfig } from '../experiments/rff.js';
import { featureSpec, integer, numberInRange, oneOf, positiveInteger, resolveFeatures } from './options.js';
import { ddlabVersion } from './provenance.js';
import { runRffCommand } from './run-rff.js';

const PRESETS = ['rff'] as const;

const program = new Command('ddlab')
  .description('Measure double descent and the generalization of over-parameterized models.')
  .version(ddlabVersion())
  .showHelpAfterError();

program
  .command('run')
  .description(
    'run a preset experiment and write its run directory (results.json, results.csv, figure.svg/png)',
  )
  .argument('<preset>', `preset to run: ${PRESETS.join(', ')}`, oneOf('preset', PRESETS))
  .option(
    '--dataset <mnist|DIR>',
    "'mnist' (shipped) or a folder with the four MNIST-format IDX files",
    'mnist',
  )
  .option(
    '--n <int>',
    'training points (the interpolation threshold is N = n)',
    positiveInteger('--n'),
    RFF_DEFAULTS.n,
  )
  .option('--n-test <int>', 'test points', positiveInteger('--n-test'), RFF_DEFAULTS.nTest)
  .addOption(
    new Option('--kind <kind>', 'feature family: rff (random Fourier) or relu (random ReLU)')
      .choices(['rff', 'relu'])
      .default(RFF_DEFAULTS.kind),
  )
  .option(
    '--sigma <x>',
    'RFF kernel bandwidth σ: v ~ N(0, σ⁻² I)',
    numberInRange('--sigma', 0, Infinity, true),
    5,
  )
  .option(
    '--features <list|start:stop:count>',
    'model sizes N: a comma list, or count log-spaced sizes (plus N = n when inside the range)',
    featureSpec,
  )
  .option(
    '--ridge <x>',
    'ridge λ in ‖Y − Za‖² + λ‖a‖² (0: least squares / minimum norm)',
    numberInRange('--ridge', 0, Infinity),
    0,
  )
  .option(
    '--label-noise <p>',
    'fraction of training labels replaced by a random wrong class',
    numberInRange('--label-noise', 0, 1),
    0,
  )
  .option(
    '--seed <int>',
    'seed for the subset, the label noise and the features',
    integer('--seed'),
    RFF_DEFAULTS.seed,
  )
  .option('--out <dir>', 'run directory to write', 'runs/rff')
  .option('--no-progress', 'do not show the progress bar')
  .action(async (_preset: string, o: Record<string, unknown>) => {
    const n = o.n as number;
    const features = o.features
      ? resolveFeatures(o.features as ReturnType<typeof featureSpec>, n)
      : resolveFeatures({ start: Math.max(1, Math.round(n / 10)), stop: 20 * n, count: 30 }, n);
    const config: RffConfig = {
      dataset: o.dataset as string,
      n,
      nTest: o.nTest as number,
      kind: o.kind as RffConfig['kind'],
      sigma: o.sigma as number,
      features,
      ridge: o.ridge as number,
      labelNoise: o.labelNoise as number,
      seed: o.seed as number,
    };
    await runRffCommand(config, { out: o.out as string, progress: o.progress as boolean });
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`ddlab: error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
