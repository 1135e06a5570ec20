// A run writes its store and its run directory, and nothing else: no file in the working folder and
// none in the home folder. ONNX Runtime's telemetry wrote a database under ~/.cache and, where it
// could not (an unprivileged user without a home), a `:memory:.ses` file in the working folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', 'bin', 'ddlab.js');

/** A small rff run with the default store and run directory. */
async function runRff(cwd: string, home: string): Promise<void> {
  const args = ['run', 'rff', '--n', '20', '--n-test', '10', '--features', '5,10', '--no-progress'];
  await promisify(execFile)('node', [BIN, ...args], {
    cwd,
    env: { ...process.env, HOME: home },
  });
}

describe('a run in a fresh folder', () => {
  it('leaves only its store and run directory, and nothing in the home folder', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ddlab-cwd-'));
    const home = mkdtempSync(join(tmpdir(), 'ddlab-home-'));
    await runRff(cwd, home);
    expect(readdirSync(cwd).sort()).toEqual(['ddlab.db', 'runs']);
    expect(readdirSync(home)).toEqual([]);
  });

  it('writes nothing into the working folder when the home folder is unusable', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ddlab-cwd-'));
    // A home that is a file: no folder can be made under it, as for a user without a home.
    const home = join(mkdtempSync(join(tmpdir(), 'ddlab-home-')), 'not-a-folder');
    writeFileSync(home, '');
    await runRff(cwd, home);
    expect(readdirSync(cwd).sort()).toEqual(['ddlab.db', 'runs']);
  });
});
