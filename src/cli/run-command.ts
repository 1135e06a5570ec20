// `ddlab run <preset|spec-file>`: expand the spec to trials, run the unfinished ones (locally or on
// Redis workers), keep everything in the store, write the run directory, print the summary.
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { Config, Preset } from '../experiments/preset.js';
import { PRESETS, presetNamed } from '../experiments/presets.js';
import { loadRenderer } from '../report/results-files.js';
import { defaultRunDirectory, writeRunDirectory } from '../report/run-directory.js';
import { describeOwner, newOwner } from '../store/lease.js';
import { Store } from '../store/store.js';
import type { Experiment, Sweep } from '../experiments/experiment.js';
import { expandSpec, trialCount } from '../sweep/expand.js';
import { defaultWorkers, localExecutor } from '../sweep/local-executor.js';
import { localTasks } from '../sweep/merge-trials.js';
import { runSweep } from '../sweep/run-sweep.js';
import { readSpecFile, validateSpec } from '../sweep/spec.js';
import { onInterrupts } from './interrupt.js';
import { stepBar, trialBar } from './progress.js';
import { settingValue } from './options.js';
import { codeVersion, provenance } from './provenance.js';
import { checkWritableFolder } from './writable-folder.js';

/** Trials a sweep may have unless --max-trials says otherwise. */
export const DEFAULT_MAX_TRIALS = 10_000;

export interface RunCommandOptions {
  /** Config fields from the named options. */
  overrides: Config;
  /** `--set field=text`, read by the preset's field types. */
  settings?: Record<string, string>;
  seeds?: number;
  printSpec: boolean;
  out?: string;
  db: string;
  /** Worker threads; undefined: one per core, as many as fit in memory. */
  workers?: number;
  redis?: string;
  /** With `redis`: the secret shared with the workers. */
  secret?: string;
  progress: boolean;
  /** Refuse a sweep of more trials (default DEFAULT_MAX_TRIALS). */
  maxTrials?: number;
  /** Run trials that share data and procedure as one (local executor; default true). */
  merge?: boolean;
}

export function specFor(
  target: string,
  overrides: Config,
  seeds?: number,
  settings: Record<string, string> = {},
): Experiment {
  let spec: Experiment;
  if (Object.hasOwn(PRESETS, target)) spec = validateSpec({ preset: target }, `preset ${target}`);
  else if (existsSync(target)) spec = readSpecFile(target);
  else
    throw new Error(`'${target}' is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a spec file`);
  const preset = presetNamed(spec.preset);
  const set = Object.fromEntries(
    Object.entries(settings).map(([field, text]) => [field, settingValue(preset, field, text)]),
  );
  return { ...spec, config: { ...spec.config, ...set, ...overrides }, seeds: seeds ?? spec.seeds };
}

/** One worker per core, but no more than fit in 80% of the memory at the largest trial's estimate. */
function workersThatFit(preset: Preset, sweep: Sweep): number {
  const largest = Math.max(0, ...sweep.trials.map((t) => preset.estimateBytes?.(t.config) ?? 0));
  return largest > 0
    ? Math.max(1, Math.min(defaultWorkers(), Math.floor((0.8 * totalmem()) / largest)))
    : defaultWorkers();
}

export async function runCommand(target: string, o: RunCommandOptions): Promise<number> {
  const spec = specFor(target, o.overrides, o.seeds, o.settings);
  const preset = presetNamed(spec.preset);
  if (o.printSpec) {
    // The preset's full configuration, so users can start from it and edit.
    const full = { ...spec, config: preset.resolve(spec.config) };
    const { stringify: toYaml } = await import('yaml'); // loaded only here: few runs print their spec
    process.stdout.write(toYaml(full));
    return 0;
  }
  const count = trialCount(spec);
  const maxTrials = o.maxTrials ?? DEFAULT_MAX_TRIALS;
  if (count > maxTrials)
    throw new Error(
      `the sweep has ${count} trials, more than the limit of ${maxTrials}; give --max-trials ${count} to run it`,
    );
  const sweep = expandSpec(spec);
  const out = resolve(o.out ?? defaultRunDirectory(sweep, preset));
  checkWritableFolder(out, o.out ? `the run directory --out ${o.out}` : `the run directory ${out}`);
  const started = new Date();
  const store = new Store(resolve(o.db));
  // This process's claim on the trials it runs: another `ddlab run` on the store leaves them alone.
  const owner = newOwner();
  const controller = new AbortController();
  // First interrupt: start no new trial and let the running ones finish (their results are kept).
  // Second: stop at once; the running trials go back to pending for the next run.
  const removeInterrupts = onInterrupts({
    first() {
      process.stderr.write(
        '\ninterrupted: finishing the running trials (interrupt again to stop at once)…\n',
      );
      controller.abort();
    },
    second() {
      store.releaseRunning(sweep.id, owner);
      store.close();
      process.stderr.write(`stopped; run the same command again to resume sweep ${sweep.id}\n`);
    },
  });
  try {
    const merge = o.merge ?? true;
    const stored = store.unfinishedTrials(sweep.id);
    const unfinished = stored.length ? stored : sweep.trials;
    const workers = o.workers ?? workersThatFit(preset, sweep);
    // What the local pool runs: trials, or groups of merged trials (merge-trials.ts).
    const tasks = localTasks(preset.name, unfinished, workers, merge).length;
    // A single trial (or one merged group) runs in this process, with a progress bar inside it. So
    // do trials of a preset that splits a trial into parts (runPart) when the pool would idle on its
    // last round: one after another, each on every core, 3 trials on 2 cores take 1.5 trial-times
    // against the pool's 2 (README, Sweeps).
    const poolWouldIdle = preset.runPart !== undefined && workers > 1 && tasks % workers !== 0;
    const inProcess = !o.redis && (workers === 0 || tasks === 1 || poolWouldIdle);
    const steps = stepBar(preset.name, o.progress && inProcess);
    const trialsBar = trialBar(preset.name, o.progress && !inProcess);
    const executor = o.redis
      ? // Loaded only with --redis: the Redis client (bullmq, ioredis) is slow to load.
        (await import('../sweep/redis-executor.js')).redisExecutor({
          url: o.redis,
          version: codeVersion(),
          secret: o.secret,
          sweepId: sweep.id,
          log: (line) => process.stderr.write(`${line}\n`),
          onCancelled: () => controller.abort(), // `ddlab cancel`: stop as on Ctrl-C
        })
      : localExecutor(inProcess ? 0 : workers, (done, total) => steps.update({ done, total }), { merge });
    // The figure renderer loads while the trials run, mostly while this thread waits for them; an
    // error shows when the figures are drawn.
    loadRenderer().catch(() => {});
    let outcome;
    try {
      outcome = await runSweep(sweep, store, executor, {
        provenance: provenance(started, started),
        signal: controller.signal,
        owner,
        onProgress: (p) => trialsBar.update(p),
        onWaiting: (other, trials) =>
          process.stderr.write(
            `\nsweep ${sweep.id} (${sweep.name}): ${trials} trial(s) are being run by ${describeOwner(other)}; ` +
              'waiting for them (this process takes them over if that one stops)\n',
          ),
      });
    } finally {
      steps.stop();
      trialsBar.stop();
      await executor.close();
    }
    const trialsNow = store.trials(sweep.id);
    if (trialsNow.length === 1 && trialsNow[0].status === 'failed') {
      // A single run that fails is an error of the command itself, with nothing written.
      store.close();
      throw new Error(trialsNow[0].error ?? 'the trial failed');
    }
    if (!outcome.complete) {
      const done = store.trials(sweep.id).filter((t) => t.status === 'done').length;
      store.close();
      console.error(
        `stopped after ${done} of ${sweep.trials.length} trials of sweep ${sweep.id} (${sweep.name}); ` +
          'run the same command again to resume: finished trials are kept and not run again',
      );
      return 130;
    }
    const { lines, files } = await writeRunDirectory(
      store,
      sweep,
      preset,
      out,
      provenance(started, new Date()),
    );
    const failed = store.trials(sweep.id).filter((t) => t.status === 'failed');
    store.close();
    const seconds = ((Date.now() - started.getTime()) / 1000).toFixed(1);
    console.log(
      `\nddlab run ${target} — sweep ${sweep.id} (${sweep.name}): ${sweep.trials.length} trial(s), ` +
        `${outcome.ranNow} run now, ${failed.length} failed, ${seconds} s\n`,
    );
    console.log(lines.join('\n'));
    if (failed.length) {
      console.log('\nfailed trials:');
      for (const t of failed) console.log(`  ${t.id} seed ${t.seed} ${JSON.stringify(t.axes)}: ${t.error}`);
    }
    console.log('\nwrote');
    for (const f of files) console.log(`  ${f}`);
    return failed.length ? 1 : 0;
  } finally {
    // Removed only now: an interrupt that arrives after the last trial lets the results be written.
    removeInterrupts();
    store.close();
  }
}
