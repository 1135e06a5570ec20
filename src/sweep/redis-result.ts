// The coordinator's check of a worker's reply before anything is stored: anyone who can write to
// the queue can complete a job, so a reply is untrusted input. It must be a preset result (rows of
// numbers that carry the preset's index keys, optional series, a summary, summary lines) and, with
// a secret, carry a valid MAC. Results travel as JSON, where Infinity and NaN become null: workers
// already fail a trial whose rows are not finite (run-trial.ts), so a null row value is a fault
// here; the summary is free-form and keeps its nulls.
import { z } from 'zod';
import { fieldPath, show, type Preset, type PresetResult } from '../experiments/preset.js';
import { macMatches, resultMac, type TrialRequest } from './redis-auth.js';

const replySchema = z.object({ result: z.unknown(), mac: z.string().optional() });

function resultSchema(indexKeys: readonly string[]) {
  const row = z.object(Object.fromEntries(indexKeys.map((k) => [k, z.number()]))).catchall(z.number());
  return z.object({
    points: z.array(row),
    series: z.array(z.object({ name: z.string(), step: z.number().int(), value: z.number() })).optional(),
    summary: z.record(z.string(), z.unknown()),
    summaryLines: z.array(z.string()),
  });
}

/** The result in a worker's reply; throws an Error that says what is wrong with it. */
export function checkedResult(
  preset: Preset,
  job: TrialRequest,
  reply: unknown,
  secret: string | undefined,
): PresetResult {
  const envelope = replySchema.safeParse(reply);
  if (!envelope.success) throw new Error(`the reply is not a {result, mac} object: got ${shortShow(reply)}`);
  const { result, mac } = envelope.data;
  if (secret !== undefined && !macMatches(resultMac(secret, job, result), mac))
    throw new Error('no valid MAC: the worker lacks this --secret / DDLAB_SECRET, or the result was forged');
  const parsed = resultSchema(preset.indexKeys ?? []).safeParse(result);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((issue) => {
    const value = valueAt(result, issue.path);
    const what =
      value === undefined && issue.path.length > 0
        ? `missing (${preset.name} rows carry ${(preset.indexKeys ?? []).join(', ')})`
        : `${issue.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '')}, got ${shortShow(value)}`;
    return `${fieldPath(issue.path) || 'result'}: ${what}`;
  });
  throw new Error(issues.join('; '));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** A value for an error message, cut short: a rogue reply can be any size. */
function shortShow(v: unknown): string {
  const text = show(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
