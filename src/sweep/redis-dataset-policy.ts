// Which data sets a Redis worker loads: the names it knows, or folders inside those given by
// `ddlab worker --allow-dataset DIR`. Jobs name their data set, and whoever can write to the queue
// writes jobs: without this, a worker would read any path on its machine. Paths are compared as
// real paths, so neither `..` nor a symbolic link leads out of an allowed folder.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { loadDatasetByName } from './dataset-files.js';

export const KNOWN_DATASETS: readonly string[] = ['mnist', 'fashion-mnist'];

/** A refusal that retrying cannot change. */
export class DatasetRefused extends Error {}

/** Why this worker refuses data set `name`, or undefined when it may load it. */
export function datasetRefusal(name: string, allowed: readonly string[]): string | undefined {
  if (KNOWN_DATASETS.includes(name)) return undefined;
  const real = realPath(name);
  if (real !== undefined && allowed.some((dir) => isInside(real, realPath(dir)))) return undefined;
  return (
    `data set '${name}' refused: this worker loads ${KNOWN_DATASETS.map((n) => `'${n}'`).join(', ')} ` +
    `and folders inside those given by --allow-dataset (${allowed.length ? allowed.join(', ') : 'none given'})`
  );
}

/** A data set loader that refuses what `datasetRefusal` refuses. */
export function guardedLoader(allowed: readonly string[]): (name: string) => Dataset {
  return (name) => {
    const refusal = datasetRefusal(name, allowed);
    if (refusal !== undefined) throw new DatasetRefused(refusal);
    return loadDatasetByName(name);
  };
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined; // a path that does not exist is inside nothing
  }
}

function isInside(path: string, dir: string | undefined): boolean {
  if (dir === undefined) return false;
  const rel = relative(dir, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
