// No secrets at rest: Redis credentials and the results secret never reach a file, a store row, an
// export or a log line. Run over rediss:// (TLS) against a loopback redis-server with a
// self-signed certificate, with an ACL user and password.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redactCommand } from '../src/cli/provenance.js';
import { redactUrl } from '../src/sweep/redis-url.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { start, tempDir, waitFor, writeSpec, type Running } from './sweep-cli-helpers.js';

const USER = 'lab-user-7q';
const PASSWORD = 'pw-Zx81-secret';
const SECRET = 'mac-Qw23-secret';

let redis: RedisServer | undefined;
const children: Running[] = [];

afterAll(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await redis?.stop();
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('credentials are redacted', () => {
  it('redacts user and password from Redis URLs, and the values of --secret', () => {
    expect(redactUrl('redis://u:p@host:6379/2')).toBe('redis://***@host:6379/2');
    expect(redactUrl('rediss://:p@host')).toBe('rediss://***@host');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(redactUrl('redis://host?password=p&db=1')).toBe('redis://host?password=***&db=1');
    // Not a parsable URL: everything up to the last @ goes.
    expect(redactUrl('redis://us er:p@ss@[bad')).toBe('redis://***@[bad');
    expect(
      redactCommand([
        'run',
        'x',
        '--redis',
        'redis://u:p@h',
        '--secret',
        's',
        '--secret=t',
        '--redis=redis://v:q@h',
      ]),
    ).toEqual([
      'run',
      'x',
      '--redis',
      'redis://***@h',
      '--secret',
      '***',
      '--secret=***',
      '--redis=redis://***@h',
    ]);
  });

  it('runs a sweep over rediss:// with an ACL user and a secret, and no credential appears in any file, store row, export or log line', async () => {
    redis = await startRedis({ tls: true, user: `${USER}:${PASSWORD}` });
    const url = redis.url(`${USER}:${PASSWORD}`);
    expect(url).toMatch(/^rediss:/);
    const env = { NODE_EXTRA_CA_CERTS: redis.certificate! }; // trust the test's self-signed certificate
    const dir = tempDir();
    const spec = writeSpec(dir, {
      preset: 'rff',
      config: { n: 50, nTest: 50, features: [10, 20] },
      seeds: 2,
      name: 'secrets',
    });
    const db = join(dir, 'db');
    const out = join(dir, 'out');

    const worker = start(['worker', '--redis', url, '--secret', SECRET], { env });
    children.push(worker);
    await waitFor(() => /waiting for trials/.test(worker.output().stderr), 60_000, 'the worker');
    const run = start(
      ['run', spec, '--redis', url, '--db', db, '--out', out, '--no-progress', '--secret', SECRET],
      { env },
    );
    children.push(run);
    expect((await run.exited).code).toBe(0);
    expect(run.output().stdout).toMatch(/2 trial\(s\), 2 run now, 0 failed/);
    const exported = start(['export', 'secrets', '--json', '--db', db]);
    const exportedCode = (await exported.exited).code;
    worker.child.kill('SIGTERM');
    await worker.exited;

    const texts: [string, string][] = [
      ['run output', run.output().stdout + run.output().stderr],
      ['worker log', worker.output().stdout + worker.output().stderr],
      ['export --json', exported.output().stdout + exported.output().stderr],
      ...filesUnder(dir).map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
    ];
    expect(worker.output().stderr).toContain('rediss://***@127.0.0.1');
    expect(texts.find(([name]) => name.endsWith('results.json'))?.[1]).toContain('rediss://***@127.0.0.1');
    for (const [name, text] of texts)
      for (const credential of [USER, PASSWORD, SECRET])
        expect(text.includes(credential), `${credential} in ${name}`).toBe(false);
    expect(exportedCode).toBe(0);
  });
});
