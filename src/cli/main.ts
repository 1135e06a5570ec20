// The `ddlab` command line.
import { Command, Option } from 'commander';
import type { Config } from '../experiments/preset.js';
import { presetJsonSchema } from '../experiments/preset-json-schema.js';
import { PRESETS, presetNamed } from '../experiments/presets.js';
import { FAMILIES } from '../models/network.js';
import { defaultWorkers } from '../sweep/local-executor.js';
import { registerCancelCommand } from './cancel-command.js';
import { featureSpec, integer, numberInRange, positiveInteger, setting, widthSpec } from './options.js';
import { FLAG_OF, presetHelp } from './preset-docs.js';
import { ddlabVersion } from './provenance.js';
import { SECRET_FLAGS, SECRET_HELP, secretFrom } from './secret-option.js';
import { registerResultCommands } from './result-commands.js';
import { registerServeCommand } from './serve-command.js';
import { DEFAULT_MAX_TRIALS, runCommand } from './run-command.js';
import { registerTheoryCommand } from './theory-command.js';
import { registerWorkerCommand } from './worker-command.js';

/** Every error, commander's (unknown option, missing argument, bad choice) and ours, as the README shows it. */
const errorLine = (message: string): string => `ddlab: error: ${message.replace(/^error: /, '')}`;

// No help after an error (it buried the message under ~95 lines); `--help` prints it. Subcommands
// inherit the output configuration.
const program = new Command('ddlab')
  .description('Measure double descent and the generalization of over-parameterized models.')
  .version(ddlabVersion())
  .configureOutput({ outputError: (text, write) => write(errorLine(text)) });

// `ddlab run PRESET --help` prints the preset's fields (from its schema) rather than the run options.
const [command, target] = process.argv.slice(2);
if (command === 'run' && target && Object.hasOwn(PRESETS, target)) {
  if (process.argv.slice(4).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(presetHelp(PRESETS[target]));
    process.exit(0);
  }
}

program
  .command('run')
  .description(
    'run a preset or an experiment spec (YAML/JSON); trials go into the store, then the run directory is written',
  )
  .argument(
    '<preset|spec-file>',
    `a spec file, or a preset: ${Object.values(PRESETS)
      .map((p) => `${p.name} (${p.description})`)
      .join('; ')}`,
  )
  .option(
    '--dataset <mnist|fashion-mnist|mnist1d[:k=v,…]|DIR>',
    "'mnist' (shipped), 'fashion-mnist' (Debian's dataset-fashion-mnist), 'mnist1d' (generated; 'mnist1d:samples=8000,split=0.5' overrides its settings) or a folder of IDX files (plain or .gz) or CIFAR-10 binary batches",
  )
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
    'rff: kernel bandwidth σ (v ~ N(0, σ⁻² I)); linear-gaussian: noise σ',
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
  .option(
    '--widths <list|start:stop:count>',
    'networks: hidden widths k, a comma list or count log-spaced widths',
    widthSpec,
  )
  .option('--epochs <int>', 'networks: training epochs', positiveInteger('--epochs'))
  .option('--lr <x>', 'networks: learning rate', numberInRange('--lr', 0, Infinity, true))
  .addOption(new Option('--optimizer <name>', 'networks: optimizer').choices(['sgd', 'adam']))
  .addOption(
    new Option(
      '--family <name>',
      'networks: MLP, the 5-layer CNN (k, 2k, 4k, 8k), or the 1-D CNN of MNIST-1D (k channels)',
    ).choices([...FAMILIES]),
  )
  .option(
    '--seed <int>',
    'seed for the subset, the label noise, the features / initialisation',
    integer('--seed'),
  )
  .option(
    '--set <field=value...>',
    "set any config field; the value is read by the field's type (numbers, text, JSON lists); repeatable",
    setting,
    {},
  )
  .option('--seeds <k>', 'repeat every grid point over k seeds (seed, seed+1, …)', positiveInteger('--seeds'))
  .option('--print-spec', 'print the experiment spec with the full configuration (YAML) and exit')
  .option('--out <dir>', 'run directory to write (default: runs/<preset> or runs/<sweep name>)')
  .option('--db <path>', 'the SQLite store', 'ddlab.db')
  .option(
    '--workers <n>',
    `worker threads for trials (0: in this process; default: one per core, ${defaultWorkers()} here, as many as fit in memory)`,
    integer('--workers'),
  )
  .option(
    '--redis <url>',
    'run the trials on `ddlab worker` processes through Redis (redis://[user:password@]host:port, rediss:// for TLS)',
  )
  .option(SECRET_FLAGS, SECRET_HELP)
  .option(
    '--max-trials <n>',
    `refuse a sweep of more trials than this (default ${DEFAULT_MAX_TRIALS})`,
    positiveInteger('--max-trials'),
  )
  .option(
    '--no-merge',
    'run every trial alone, even those that could train as one ensemble (same data, batch order and procedure; see README: Sweeps)',
  )
  .option('--no-progress', 'do not show the progress bar')
  .addHelpText(
    'after',
    "\nA preset's fields, defaults and meanings: `ddlab run <preset> --help`; its full configuration: `ddlab run <preset> --print-spec`.",
  )
  .action(async (target: string, o: Record<string, unknown>) => {
    // Named options carry the config field of their name; a preset rejects fields it does not have.
    const overrides: Config = {};
    for (const field of Object.keys(FLAG_OF)) if (o[field] !== undefined) overrides[field] = o[field];
    if ((o.workers as number) < 0) throw new Error(`--workers must be ≥ 0, got ${o.workers}`);
    process.exitCode = await runCommand(target, {
      overrides,
      settings: o.set as Record<string, string>,
      seeds: o.seeds as number | undefined,
      printSpec: Boolean(o.printSpec),
      out: o.out as string | undefined,
      db: o.db as string,
      workers: o.workers as number | undefined,
      redis: o.redis as string | undefined,
      secret: secretFrom(o.secret as string | undefined),
      progress: o.progress as boolean,
      maxTrials: o.maxTrials as number | undefined,
      merge: o.merge as boolean,
    });
  });

program
  .command('schema')
  .description("print a preset's fields as JSON Schema (for forms and editors)")
  .argument('<preset>', `one of ${Object.keys(PRESETS).join(', ')}`)
  .action((name: string) => {
    process.stdout.write(`${JSON.stringify(presetJsonSchema(presetNamed(name)), null, 2)}\n`);
  });

registerResultCommands(program);
registerTheoryCommand(program);
registerWorkerCommand(program);
registerCancelCommand(program);
registerServeCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(errorLine(e instanceof Error ? e.message : String(e)));
  process.exit(1);
});
