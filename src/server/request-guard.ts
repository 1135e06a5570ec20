// The server's checks on who may do what, run before every route:
// - Host: on loopback only loopback names are answered, so a web page on another site cannot read
//   the lab through DNS rebinding (its name resolving to 127.0.0.1).
// - Origin: a request that changes anything must come from the lab's own pages (or from no page at
//   all, like curl), never from another site's (cross-site request forgery).
// - Token: with a token (required off loopback), every request that changes anything carries it,
//   as `Authorization: Bearer <token>`.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopback } from './loopback.js';

export interface GuardOptions {
  /** The address the server listens on. */
  host: string;
  token?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The reason to refuse the request (status and message), or undefined to let it through. */
export function refusal(
  request: Pick<FastifyRequest, 'method' | 'headers'>,
  options: GuardOptions,
): { status: number; error: string } | undefined {
  const hostHeader = request.headers.host ?? '';
  const hostName = hostHeader.replace(/:\d+$/, '');
  if (isLoopback(options.host) && !isLoopback(hostName))
    return { status: 403, error: `this lab answers only on loopback, not as '${hostHeader}'` };
  if (SAFE_METHODS.has(request.method)) return undefined;
  const origin = request.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, hostHeader))
    return { status: 403, error: `cross-origin request from ${origin} refused` };
  if (request.headers['sec-fetch-site'] === 'cross-site')
    return { status: 403, error: 'cross-site request refused' };
  if (options.token !== undefined && !tokenMatches(request.headers.authorization, options.token))
    return { status: 401, error: 'this lab needs its token: Authorization: Bearer <token>' };
  return undefined;
}

function sameOrigin(origin: string, hostHeader: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.host === hostHeader;
  } catch {
    return false;
  }
}

function tokenMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '');
  const wanted = Buffer.from(token);
  // Constant time: the comparison must not tell an attacker how much of a guess was right.
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The guard as a Fastify hook. */
export function guardHook(options: GuardOptions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = refusal(request, options);
    if (refused) return reply.code(refused.status).send({ error: refused.error });
  };
}
