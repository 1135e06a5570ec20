// Redis URLs: which ones ddlab accepts, and how they look once their credentials are taken out.
// Only the redacted form may reach provenance, the store, exports and logs.

const SCHEMES = ['redis:', 'rediss:'];
/** Query options that ioredis reads as credentials (redis://host?password=…). */
const SECRET_PARAMS = /pass|user|auth|token|secret/i;

/** Throws unless `url` is a redis:// or rediss:// (TLS) URL; the error shows it redacted. */
export function checkRedisUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis must be a URL like redis://127.0.0.1:6379, got '${redactUrl(url)}'`);
  }
  if (!SCHEMES.includes(u.protocol))
    throw new Error(`--redis must start with redis:// or rediss:// (TLS), got '${redactUrl(url)}'`);
}

/** `url` with user, password and credential query values replaced by ***. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not parsable: drop everything up to the last @, where credentials would end.
    const m = /^([a-z][a-z0-9+.-]*:\/\/)?[^]*@([^@]*)$/i.exec(url);
    return m ? `${m[1] ?? ''}***@${m[2]}` : url;
  }
  const credentials = u.username || u.password ? '***@' : '';
  for (const key of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(key)) u.searchParams.set(key, '***');
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.protocol}//${credentials}${u.host}${path}${u.search}${u.hash}`;
}
