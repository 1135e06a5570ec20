// Checks that a run directory can be written before a sweep runs, so that hours of trials do not end
// in a failed write: the folder, or the nearest folder above it that exists, must be a writable
// folder.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Throws, naming `label` (e.g. 'the run directory --out X'), unless `dir` (absolute) can be written. */
export function checkWritableFolder(dir: string, label: string): void {
  let existing = dir;
  while (!existsSync(existing)) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    throw new Error(
      existing === dir ? `${label} is a file, not a folder` : `cannot write ${label}: ${existing} is a file`,
    );
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new Error(`cannot write ${label}: ${existing} is not writable`);
  }
}
