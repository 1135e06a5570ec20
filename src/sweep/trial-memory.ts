// A trial too large to allocate fails with its sizes named. Otherwise a slip such as
// `--features 1:100000000000:3` ends in "Invalid typed array length: 78400000000000", naming
// nothing. The refusal comes when the allocation fails rather than up front from the preset's
// estimate: a check up front would preempt the precise errors that come first (`--n 70000` is
// larger than MNIST's 60000 images, not merely 197 GB).
import { totalmem } from 'node:os';
import type { Config, Preset } from '../experiments/preset.js';

/** The RangeErrors of an array or buffer that cannot be made that large. */
const ALLOCATION = /invalid typed array length|invalid array buffer length|array buffer allocation failed/i;

/** Runs `run`, turning a failed allocation into an error that names the trial's sizes. */
export async function namingSizes<T>(preset: Preset, config: Config, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!(e instanceof RangeError && ALLOCATION.test(e.message))) throw e;
    const bytes = preset.estimateBytes?.(config);
    const estimate =
      bytes === undefined ? '' : `, about ${formatBytes(bytes)} of memory by the preset's estimate,`;
    throw new Error(
      `${preset.name}: ${sizes(config)} are too large${estimate} for the ` +
        `${formatBytes(totalmem())} of this machine (${e.message})`,
    );
  }
}

/** The fields that set a trial's size: its grids (by their largest value), n and nTest. */
function sizes(config: Config): string {
  return Object.entries(config)
    .flatMap(([field, v]) => {
      if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number'))
        return [`${field} up to ${Math.max(...v)}`];
      return (field === 'n' || field === 'nTest') && typeof v === 'number' ? [`${field} = ${v}`] : [];
    })
    .join(', ');
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const i = Math.min(units.length - 1, Math.max(0, Math.floor(Math.log10(bytes) / 3)));
  return `${Number((bytes / 1000 ** i).toPrecision(3))} ${units[i]}`;
}
