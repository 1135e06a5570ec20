// The JSON API of `ddlab serve`. Off loopback the lab needs its token: it arrives once in the URL
// (?token=…, as `ddlab serve` prints it), is kept for the tab, and goes with every POST.
export interface SweepEntry {
  id: string;
  name: string;
  preset: string;
  created: string;
  counts: Record<'pending' | 'running' | 'done' | 'failed', number>;
  total: number;
  progress: number;
}

export interface Trial {
  id: string;
  index: number;
  gridKey: string;
  axes: Record<string, unknown>;
  seed: number;
  config: Record<string, unknown>;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  error: string | null;
  worker: string | null;
  started: string | null;
  ended: string | null;
  seconds: number | null;
}

export interface Report {
  points: Record<string, number>[];
  figures: Record<string, object>;
  series: { trial: string; name: string; step: number; value: number }[];
  lines: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

const url = new URL(location.href);
if (url.searchParams.has('token')) {
  sessionStorage.setItem('ddlab-token', url.searchParams.get('token')!);
  url.searchParams.delete('token');
  history.replaceState(null, '', url);
}

/** JSON with NaN and ±Infinity back as numbers (the server sends them as strings). */
const revive = (_k: string, v: unknown) =>
  v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v;

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  // The reviver costs seconds on a 10 000-row report: only when there is something to revive.
  const special = text.includes('"NaN"') || text.includes('Infinity"');
  const body = text ? JSON.parse(text, special ? revive : undefined) : undefined;
  if (!res.ok) throw new ApiError(res.status, body?.error ?? res.statusText, body?.fields);
  return body as T;
}

export const get = async <T>(path: string): Promise<T> => answer<T>(await fetch(path));

export async function post<T>(path: string, body: unknown): Promise<T> {
  const token = sessionStorage.getItem('ddlab-token');
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return answer<T>(res);
}
