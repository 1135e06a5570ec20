// `ddlab serve`'s JSON API, events and guard against a real server on an ephemeral port, over a
// store written by real `ddlab run` processes.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showLines } from '../src/cli/result-commands.js';
import { startLabServer, type LabServer } from '../src/server/lab-server.js';
import { BIN, start, tempDir, waitFor } from './sweep-cli-helpers.js';
import { postJson, rawRequest, sweepEvents } from './serve-helpers.js';

const cli = async (args: string[], cwd?: string) =>
  (await promisify(execFile)('node', [BIN, ...args], { cwd })).stdout;

/** The API's JSON back to numbers: it sends NaN and ±Infinity as strings (json-body.ts). */
const revive = (text: string) =>
  JSON.parse(text, (_k, v) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  );

const TINY = ['--n', '20', '--n-test', '10', '--features', '5,10,20,40', '--no-progress', '--workers', '0'];

let dir: string;
let db: string;
let server: LabServer;
let sweepId: string;
let base: string;

beforeAll(async () => {
  dir = tempDir('ddlab-serve-');
  db = join(dir, 'lab.db');
  await cli(['run', 'rff', ...TINY, '--seeds', '3', '--db', db, '--out', join(dir, 'run')]);
  // The app folder, with a secret beside it that no path may reach.
  const app = join(dir, 'app');
  mkdirSync(join(app, 'assets'), { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><title>lab</title>');
  writeFileSync(join(app, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'SECRET');
  server = await startLabServer({ db, host: '127.0.0.1', port: 0, appDir: app, cli: BIN, pollMs: 100 });
  base = server.url;
  sweepId = JSON.parse((await rawRequest(base, '/api/sweeps')).body)[0].id;
});

afterAll(async () => {
  await server?.close();
});

describe('the JSON API', () => {
  it('lists the sweeps with preset, status counts and progress', async () => {
    const res = await rawRequest(base, '/api/sweeps');
    expect(res.status).toBe(200);
    const [s] = JSON.parse(res.body);
    expect(s).toMatchObject({ preset: 'rff', total: 3, progress: 1, counts: { done: 3, failed: 0 } });
    expect(s.id).toMatch(/^[0-9a-f]{12}$/);
  });

  it('aggregates over seeds exactly as ddlab show does', async () => {
    const detail = JSON.parse((await rawRequest(base, `/api/sweeps/${sweepId}`)).body);
    expect(detail.counts).toEqual({ pending: 0, running: 0, done: 3, failed: 0 });
    const grids = revive((await rawRequest(base, `/api/sweeps/${sweepId}/aggregate`)).body);
    expect(grids).toHaveLength(1);
    expect(grids[0].rows).toHaveLength(4);
    const shown = (await cli(['show', sweepId, '--db', db])).trimEnd().split('\n').slice(1);
    expect(showLines(grids)).toEqual(shown);
  });

  it('exports the same CSV and JSON as ddlab export, and the same SVG as the run directory', async () => {
    const csv = await rawRequest(base, `/api/sweeps/${sweepId}/export.csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toBe(await cli(['export', sweepId, '--csv', '--db', db]));
    const json = await rawRequest(base, `/api/sweeps/${sweepId}/export.json`);
    expect(json.body).toBe(await cli(['export', sweepId, '--json', '--db', db]));
    const svg = await rawRequest(base, `/api/sweeps/${sweepId}/figure.svg`);
    expect(svg.body).toBe(readFileSync(join(dir, 'run', 'figure.svg'), 'utf8'));
    const png = await fetch(`${base}/api/sweeps/${sweepId}/figure.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('gives the rows and figure specs of the run directory', async () => {
    const report = revive((await rawRequest(base, `/api/sweeps/${sweepId}/report`)).body);
    const csvRows =
      readFileSync(join(dir, 'run', 'results.csv'), 'utf8')
        .trim()
        .split('\n').length - 1;
    expect(report.points).toHaveLength(csvRows);
    expect(report.figures.figure.data.values).toHaveLength(csvRows);
  });

  it('gives trials with config, status, timings and error, filtered by status', async () => {
    const trials = JSON.parse((await rawRequest(base, `/api/sweeps/${sweepId}/trials`)).body);
    expect(trials).toHaveLength(3);
    expect(trials.map((t: { seed: number }) => t.seed)).toEqual([1, 2, 3]);
    for (const t of trials) {
      expect(t).toMatchObject({ status: 'done', error: null, config: { n: 20, nTest: 10 } });
      expect(t.seconds).toBeGreaterThan(0);
    }
    const failed = JSON.parse((await rawRequest(base, `/api/sweeps/${sweepId}/trials?status=failed`)).body);
    expect(failed).toEqual([]);
  });

  it('answers an unknown sweep with 404 and malformed input with 400 and zod’s message', async () => {
    const missing = await rawRequest(base, '/api/sweeps/abcdef123456');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error).toMatch(/no sweep 'abcdef123456'/);
    const page = await rawRequest(base, '/sweeps/abcdef123456');
    expect(page.status).toBe(404);
    expect(page.body).toContain('<title>lab</title>'); // the app, which shows its 404 page
    expect((await rawRequest(base, `/sweeps/${sweepId}`)).status).toBe(200);
    const badId = await rawRequest(base, '/api/sweeps/not-hex!');
    expect(badId.status).toBe(400);
    expect(JSON.parse(badId.body).error).toMatch(/a sweep id is hex digits/);
    const badStatus = await rawRequest(base, `/api/sweeps/${sweepId}/trials?status=finished`);
    expect(badStatus.status).toBe(400);
    expect(JSON.parse(badStatus.body).error).toMatch(
      /expected one of "pending"\|"running"\|"done"\|"failed"/,
    );
    const notJson = await rawRequest(base, '/api/sweeps', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('refuses a sweep request with the preset’s field messages', async () => {
    const bad = await postJson(base, '/api/sweeps', { preset: 'rff', config: { n: -1, sigma: 'wide' } });
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.body);
    expect(body.fields.n).toMatch(/^n .*got -1$/);
    expect(body.fields.sigma).toMatch(/^sigma .*got 'wide'$/);
    const unknown = await postJson(base, '/api/sweeps', { preset: 'rff', config: { nn: 3 } });
    expect(JSON.parse(unknown.body).fields.nn).toMatch(/unknown config field 'nn'/);
    const noPreset = await postJson(base, '/api/sweeps', { preset: 'nope' });
    expect(noPreset.status).toBe(400);
    expect(JSON.parse(noPreset.body).error).toMatch(/preset: must be one of rff/);
    const axis = await postJson(base, '/api/sweeps', { preset: 'rff', config: {}, axes: { n: [10, -3] } });
    expect(axis.status).toBe(400);
    expect(JSON.parse(axis.body).error).toMatch(/n .*got -3/);
  });

  it('gives each preset’s JSON Schema, and 404 for an unknown preset', async () => {
    const schema = JSON.parse((await rawRequest(base, '/api/presets/rff/schema')).body);
    expect(schema.properties.n).toMatchObject({ type: 'integer', default: 1000 });
    expect((await rawRequest(base, '/api/presets/nope/schema')).status).toBe(404);
  });
});

describe('safety', () => {
  it('refuses state-changing requests from another origin, and any request under a foreign Host', async () => {
    const cross = await postJson(base, '/api/sweeps', { preset: 'rff' }, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    const sameHost = new URL(base).host;
    const own = await postJson(base, '/api/sweeps', { preset: 'nope' }, { origin: `http://${sameHost}` });
    expect(own.status).toBe(400); // past the guard, stopped by validation
    const rebound = await rawRequest(base, '/api/sweeps', { headers: { host: 'evil.example:8350' } });
    expect(rebound.status).toBe(403);
  });

  it('serves files only from the app folder', async () => {
    expect((await rawRequest(base, '/assets/app.js')).body).toBe('console.log(1)');
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '//etc/passwd',
    ]) {
      const res = await rawRequest(base, path);
      expect(res.body, path).not.toContain('SECRET');
      expect(res.body, path).not.toContain('root:');
      expect(res.status, path).toBeGreaterThanOrEqual(400);
    }
  });

  it('with a token, refuses state-changing requests that lack it', async () => {
    const guarded = await startLabServer({
      db,
      host: '127.0.0.1',
      port: 0,
      token: 'let-me-in',
      appDir: join(dir, 'app'),
      cli: BIN,
    });
    try {
      const without = await postJson(guarded.url, '/api/sweeps', { preset: 'nope' });
      expect(without.status).toBe(401);
      const wrong = await postJson(
        guarded.url,
        '/api/sweeps',
        { preset: 'nope' },
        { authorization: 'Bearer nope' },
      );
      expect(wrong.status).toBe(401);
      const right = await postJson(
        guarded.url,
        '/api/sweeps',
        { preset: 'nope' },
        { authorization: 'Bearer let-me-in' },
      );
      expect(right.status).toBe(400); // past the guard
      expect((await rawRequest(guarded.url, '/api/sweeps')).status).toBe(200); // reading needs none
    } finally {
      await guarded.close();
    }
  });

  it('listens on loopback by default, and off loopback only with a (generated) token', async () => {
    const loop = start(['serve', '--db', db, '--port', '0']);
    const open = start(['serve', '--db', db, '--port', '0', '--host', '0.0.0.0']);
    try {
      await waitFor(() => /lab on/.test(loop.output().stdout), 60_000, 'serve to start');
      expect(loop.output().stdout).toMatch(/lab on http:\/\/127\.0\.0\.1:\d+ /);
      await waitFor(() => /token \(generated\)/.test(open.output().stdout), 60_000, 'serve to start');
      const out = open.output().stdout;
      const token = /token \(generated\): (\S+)/.exec(out)![1];
      expect(token.length).toBeGreaterThanOrEqual(32);
      const port = /:(\d+)\/\?token=/.exec(out)![1];
      const url = `http://127.0.0.1:${port}`;
      expect((await postJson(url, '/api/sweeps', { preset: 'nope' })).status).toBe(401);
      const authorized = await postJson(
        url,
        '/api/sweeps',
        { preset: 'nope' },
        { authorization: `Bearer ${token}` },
      );
      expect(authorized.status).toBe(400);
    } finally {
      loop.child.kill('SIGINT');
      open.child.kill('SIGINT');
      await Promise.all([loop.exited, open.exited]);
    }
  });
});

describe('live', () => {
  it('follows a sweep that another process runs, and keeps answering while it writes', async () => {
    const stream = sweepEvents(base);
    try {
      await waitFor(() => stream.events.length > 0, 60_000, 'the first event');
      const run = start([
        'run',
        'rff',
        ...TINY,
        '--seeds',
        '4',
        '--seed',
        '11',
        '--db',
        db,
        '--out',
        join(dir, 'r2'),
      ]);
      let answered = 0;
      while (run.child.exitCode === null) {
        expect((await rawRequest(base, '/api/sweeps')).status).toBe(200);
        answered++;
      }
      expect((await run.exited).code).toBe(0);
      expect(answered).toBeGreaterThan(0);
      await waitFor(
        () => stream.events.some((list) => list.length === 2 && list[0].counts.done === 4),
        60_000,
        'an event with the finished sweep',
      );
      // Events came as trials finished, not only at the end.
      const doneCounts = stream.events.filter((l) => l.length === 2).map((l) => l[0].counts.done);
      expect(new Set(doneCounts).size).toBeGreaterThan(1);
    } finally {
      await stream.close();
    }
  });

  it('starts a sweep from a request and the list shows it finish', async () => {
    const stream = sweepEvents(base);
    try {
      const res = await postJson(base, '/api/sweeps', {
        name: 'from-the-api',
        preset: 'rff',
        config: { n: 20, nTest: 10, features: [5, 10] },
        seeds: 2,
      });
      expect(res.status).toBe(202);
      const { id, trials } = JSON.parse(res.body);
      expect(trials).toBe(2);
      await waitFor(
        () => stream.events.some((l) => l.some((s) => s.id === id && s.counts.done === 2)),
        120_000,
        'the started sweep to finish',
      );
      const exported = (await rawRequest(base, `/api/sweeps/${id}/export.csv`)).body;
      expect(exported).toBe(await cli(['export', id, '--csv', '--db', db]));
    } finally {
      await stream.close();
    }
  });
});
