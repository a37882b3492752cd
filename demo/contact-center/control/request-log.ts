import type { FastifyInstance } from 'fastify';

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

const MAX = 50_000;

/** Remembers the last requests served (tests count polls with it). */
export function installRequestLog(app: FastifyInstance): LoggedRequest[] {
  const log: LoggedRequest[] = [];
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/emulator/')) return;
    if (log.length >= MAX) log.splice(0, MAX / 10);
    log.push({ method: request.method, path: request.url.split('?')[0]!, status: reply.statusCode, at: Date.now() });
  });
  return log;
}
