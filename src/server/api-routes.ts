// The JSON API over the store: sweeps, trials, rows, series, aggregates (the numbers of
// `ddlab show`), figures (the Vega-Lite specs of the run directory) and the exported files
// (those `ddlab export` and `ddlab run` write), plus starting a sweep.
// GET /api/sweeps, /api/sweeps/ID, …/ID/aggregate, …/ID/trials[?status=], …/ID/report,
// …/ID/export.csv|json, …/ID/figure[-k].svg|png; GET /api/presets[/NAME/schema]; POST /api/sweeps.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { presetJsonSchema } from '../experiments/preset-json-schema.js';
import { PRESETS } from '../experiments/presets.js';
import { aggregateCsv } from '../report/aggregate-csv.js';
import { renderSvg, svgToPng } from '../report/render.js';
import { sweepJson } from '../report/sweep-json.js';
import type { Store, StoredSweep } from '../store/store.js';
import { figureParams, parseInput, presetParams, sweepParams, trialQuery } from './api-input.js';
import { jsonBody } from './json-body.js';
import type { Launcher } from './sweep-launcher.js';
import { checkSweepRequest } from './sweep-request.js';
import {
  sweepAggregate,
  sweepById,
  sweepDetail,
  sweepFigures,
  sweepList,
  sweepTrials,
} from './sweep-views.js';

const send = (reply: FastifyReply, value: unknown) =>
  reply.type('application/json; charset=utf-8').send(jsonBody(value));

export function registerApiRoutes(app: FastifyInstance, store: Store, launcher: Launcher): void {
  /** The sweep named by the route's :id, or a 404 answer. */
  const sweepOf = (params: unknown, reply: FastifyReply): StoredSweep | undefined => {
    const { id } = parseInput(sweepParams, params, 'sweep');
    const sweep = sweepById(store, id);
    if (!sweep) void reply.code(404).send({ error: `no sweep '${id}' in ${store.path}` });
    return sweep;
  };

  app.get('/api/presets', (_req, reply) =>
    send(
      reply,
      Object.values(PRESETS).map((p) => ({
        name: p.name,
        description: p.description,
        indexKeys: p.indexKeys,
      })),
    ),
  );
  app.get('/api/presets/:name/schema', (req, reply) => {
    const { name } = parseInput(presetParams, req.params, 'preset');
    if (!Object.hasOwn(PRESETS, name)) return reply.code(404).send({ error: `no preset '${name}'` });
    return send(reply, presetJsonSchema(PRESETS[name]));
  });

  app.get('/api/sweeps', (_req, reply) => send(reply, sweepList(store)));
  app.get('/api/sweeps/:id', (req, reply) => {
    const sweep = sweepOf(req.params, reply);
    return sweep && send(reply, sweepDetail(store, sweep));
  });
  app.get('/api/sweeps/:id/aggregate', (req, reply) => {
    const sweep = sweepOf(req.params, reply);
    return sweep && send(reply, sweepAggregate(store, sweep));
  });
  app.get('/api/sweeps/:id/trials', (req, reply) => {
    const { status } = parseInput(trialQuery, req.query, 'query');
    const sweep = sweepOf(req.params, reply);
    if (!sweep) return;
    const trials = sweepTrials(store, sweep);
    return send(reply, status ? trials.filter((t) => t.status === status) : trials);
  });
  app.get('/api/sweeps/:id/report', (req, reply) => {
    const sweep = sweepOf(req.params, reply);
    if (!sweep) return;
    const { points, figures, series, lines } = sweepFigures(store, sweep);
    return send(reply, { points, figures, series, lines });
  });
  app.get('/api/sweeps/:id/export.csv', (req, reply) => {
    const sweep = sweepOf(req.params, reply);
    if (!sweep) return;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${sweep.id}.csv"`)
      .send(aggregateCsv(sweepAggregate(store, sweep)));
  });
  app.get('/api/sweeps/:id/export.json', (req, reply) => {
    const sweep = sweepOf(req.params, reply);
    if (!sweep) return;
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${sweep.id}.json"`)
      .send(sweepJson(store, sweep));
  });
  app.get('/api/sweeps/:id/:file', async (req, reply) => {
    const { id, file } = parseInput(figureParams, req.params, 'figure');
    const sweep = sweepOf({ id }, reply);
    if (!sweep) return;
    const [name, ext] = file.split('.');
    const spec = sweepFigures(store, sweep).figures[name];
    if (!spec) return reply.code(404).send({ error: `sweep ${id} has no ${name} (yet)` });
    const svg = await renderSvg(spec);
    return reply
      .type(ext === 'svg' ? 'image/svg+xml' : 'image/png')
      .header('content-disposition', `attachment; filename="${sweep.id}-${file}"`)
      .send(ext === 'svg' ? svg : Buffer.from(svgToPng(svg)));
  });

  app.post('/api/sweeps', (req, reply) => {
    const { spec, sweep } = checkSweepRequest(req.body);
    launcher.start(spec, sweep.id);
    return reply.code(202).send({ id: sweep.id, name: sweep.name, trials: sweep.trials.length });
  });
}
