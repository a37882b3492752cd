// Test control under /directline/api (Bearer <the secret>): what a test needs to make Direct Line
// misbehave the way the real one can, and to see what clients did.
//   POST /faults      { faults: [ { route: "POST /v3/directline/conversations/{id}/activities",
//                        status: 429, count?: 1, retryAfterS?, delayMs?, process?: false } ] }
//                     the next `count` matching requests answer `status` (0 drops the connection;
//                     process: true handles the request first, an ambiguous failure); replaces the list
//   POST /streams     { enabled?: boolean, drop?: true, conversationId? }  refuse new streams (503,
//                     as behind a proxy without WebSockets) and/or cut open ones without a close frame
//   POST /conversations/{id}/expire-tokens   every token issued so far for it is expired now
//   GET  /conversations/{id}                 its whole transcript: { activities, watermark }
//   GET  /requests?since=<ms>                the requests served (method, route pattern, path, status)
// Never logged or returned: Authorization headers and query strings (a streamUrl's `t` is a credential).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DirectLine } from './context';
import { DirectLineError, errorBody } from './errors';

export interface Fault {
  method: string;
  /** A Fastify pattern (:param) or a concrete path. */
  path: string;
  status: number;
  count: number;
  retryAfterS: number | null;
  delayMs: number;
  process: boolean;
}

export interface LoggedRequest {
  at: number;
  method: string;
  route: string;
  path: string;
  status: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    directLineFault?: Fault | undefined;
  }
}

const CODES: Record<number, string> = {
  400: 'BadArgument',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'ServiceError',
  502: 'BotError',
  503: 'ServiceUnavailable',
};
const MAX_LOG = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** "/a/:id/b" and "/a/:conversationId/b" are the same route: parameter names do not matter. */
const anyParam = (path: string) => path.replace(/:[^/]+/g, ':').replace(/\/+$/, '');

function parseFaults(raw: unknown): Fault[] {
  if (!Array.isArray(raw) || raw.length > 100) throw new DirectLineError('BadArgument', '"faults" must be an array of at most 100');
  return raw.map((f: unknown, i) => {
    const { route, status, count = 1, retryAfterS = null, delayMs = 0, process = false } = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const match = typeof route === 'string' ? /^(GET|POST|PUT|DELETE) (\/\S*)$/.exec(route) : null;
    if (!match) throw new DirectLineError('BadArgument', `faults[${i}].route must look like "POST /v3/directline/conversations/{id}/activities"`);
    const ok = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
    if (!ok(status, 0, 599) || ((status as number) > 0 && (status as number) < 100)) throw new DirectLineError('BadArgument', `faults[${i}].status must be 0 or an HTTP status`);
    if (!ok(count, 1, 100_000) || !ok(delayMs, 0, 120_000) || (retryAfterS !== null && !ok(retryAfterS, 0, 3600)) || typeof process !== 'boolean') {
      throw new DirectLineError('BadArgument', `faults[${i}]: count 1…100000, delayMs 0…120000, retryAfterS 0…3600, process a boolean`);
    }
    return {
      method: match[1]!,
      path: anyParam(match[2]!.replace(/\{([^}]+)\}/g, ':$1')),
      status: status as number,
      count: count as number,
      retryAfterS: retryAfterS as number | null,
      delayMs: delayMs as number,
      process,
    };
  });
}

/** The fault hooks and the request log, on the root app. */
export function installControlHooks(app: FastifyInstance): { faults: Fault[]; requests: LoggedRequest[] } {
  const faults: Fault[] = [];
  const requests: LoggedRequest[] = [];
  const isControl = (request: FastifyRequest) => request.url.startsWith('/directline/api');

  const take = (request: FastifyRequest): Fault | undefined => {
    if (faults.length === 0 || isControl(request)) return undefined;
    const path = request.url.split('?')[0]!.replace(/\/+$/, '');
    const pattern = anyParam(request.routeOptions.url ?? '');
    const index = faults.findIndex((f) => f.method === request.method && (f.path === path || f.path === pattern));
    if (index < 0) return undefined;
    const fault = faults[index]!;
    if (--fault.count <= 0) faults.splice(index, 1);
    return fault;
  };

  const answer = (fault: Fault) => ({ ...(fault.retryAfterS !== null ? { 'retry-after': String(fault.retryAfterS) } : {}) });

  app.addHook('onRequest', async (request, reply) => {
    const fault = take(request);
    if (!fault) return;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.process) {
      request.directLineFault = fault;
      return;
    }
    if (fault.status === 0) {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    return reply
      .code(fault.status)
      .headers(answer(fault))
      .send(errorBody(CODES[fault.status] ?? 'ServiceError', `Injected fault: status ${fault.status}`));
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const fault = request.directLineFault;
    if (!fault) return payload;
    request.directLineFault = undefined;
    if (fault.status === 0) {
      request.raw.socket.destroy();
      return payload;
    }
    reply.code(fault.status).headers(answer(fault)).header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(errorBody(CODES[fault.status] ?? 'ServiceError', `Injected fault after processing: status ${fault.status}`));
  });

  app.addHook('onResponse', async (request, reply) => {
    if (isControl(request)) return;
    if (requests.length >= MAX_LOG) requests.splice(0, MAX_LOG / 10);
    requests.push({ at: Date.now(), method: request.method, route: request.routeOptions.url ?? '', path: request.url.split('?')[0]!, status: reply.statusCode });
  });

  return { faults, requests };
}

export async function controlApi(app: FastifyInstance, opts: { dl: DirectLine; faults: Fault[]; requests: LoggedRequest[] }): Promise<void> {
  const { dl, faults, requests } = opts;
  app.addHook('onRequest', async (request) => {
    if (dl.tokens.authorize(request).kind !== 'secret') throw new DirectLineError('Forbidden', 'The control API needs the secret');
  });

  app.post('/faults', async (request) => {
    const parsed = parseFaults((request.body as { faults?: unknown } | null)?.faults);
    faults.splice(0, faults.length, ...parsed);
    return { pending: faults.length };
  });

  app.post('/streams', async (request) => {
    const body = (request.body ?? {}) as { enabled?: unknown; drop?: unknown; conversationId?: unknown };
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw new DirectLineError('BadArgument', '"enabled" must be a boolean');
    if (body.conversationId !== undefined && typeof body.conversationId !== 'string') throw new DirectLineError('BadArgument', '"conversationId" must be a string');
    if (typeof body.enabled === 'boolean') dl.streams.enabled = body.enabled;
    const dropped = body.drop === true ? dl.streams.drop(body.conversationId as string | undefined) : 0;
    return { enabled: dl.streams.enabled, open: dl.streams.size, dropped };
  });

  app.post<{ Params: { conversationId: string } }>('/conversations/:conversationId/expire-tokens', async (request, reply) => {
    dl.conversations.get(request.params.conversationId).tokensValidFrom = dl.now() + 1;
    return reply.code(204).send();
  });

  app.get<{ Params: { conversationId: string } }>('/conversations/:conversationId', async (request) =>
    dl.conversations.get(request.params.conversationId).after(undefined, Number.MAX_SAFE_INTEGER),
  );

  app.get<{ Querystring: { since?: string } }>('/requests', async (request) => {
    const since = Number(request.query.since ?? 0) || 0;
    return { requests: requests.filter((r) => r.at >= since) };
  });
}
