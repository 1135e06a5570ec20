// Optional authentication between a coordinator and its workers with a shared secret (--secret /
// DDLAB_SECRET): each job carries an HMAC-SHA256 of what it asks (trial id, preset, config), and each
// result one of the request together with the result. A client on the queue without the secret can
// then neither forge a result, nor move one from a trial to another, nor have workers run its jobs.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../experiments/preset.js';

export interface TrialRequest {
  trialId: string;
  preset: string;
  config: Config;
}

export function jobMac(secret: string, job: TrialRequest): string {
  return mac(secret, 'ddlab job', request(job));
}

export function resultMac(secret: string, job: TrialRequest, result: unknown): string {
  return mac(secret, 'ddlab result', { ...request(job), result });
}

/** Constant-time comparison; anything but the expected string is a mismatch. */
export function macMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function request(job: TrialRequest): TrialRequest {
  return { trialId: job.trialId, preset: job.preset, config: job.config };
}

/** The label keeps a job's MAC from passing for a result's. */
function mac(secret: string, label: string, value: unknown): string {
  return createHmac('sha256', secret)
    .update(`${label}\n${canonicalJson(value)}`)
    .digest('hex');
}

/** JSON with object keys sorted: the same text on both sides, whatever order keys travelled in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
