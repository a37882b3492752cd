// Who may read /metrics, and on which listener. The metrics tell how busy the bridge is, which
// dependencies fail and how the outbox backs up: nothing an anonymous visitor of the public Customer
// Chat API port should read. So:
// - METRICS_PORT set: /metrics is served on that separate admin listener (METRICS_HOST, loopback by
//   default) and not on the public port at all;
// - else METRICS_TOKEN set: /metrics on the public port, with `Authorization: Bearer <token>`;
// - else on the public port, open, only while the bridge listens on a loopback address (a developer's
//   machine, the tests, `npm start`). Listening on anything else (BRIDGE_HOST=0.0.0.0, a LAN address)
//   is what "production" means here: /metrics is then off until one of the two is set.
// A token set together with METRICS_PORT is asked for on the admin port too.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BridgeConfig } from '../config';

export interface MetricsAccess {
  /** Where /metrics is served: the public port, the admin port, or nowhere. */
  where: 'public' | 'admin' | 'off';
  /** The Bearer token asked for, or null. */
  token: string | null;
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

export function metricsAccess(config: Pick<BridgeConfig, 'host' | 'metrics'>): MetricsAccess {
  const { token, port } = config.metrics;
  if (port !== null) return { where: 'admin', token };
  if (token !== null) return { where: 'public', token };
  return { where: isLoopback(config.host) ? 'public' : 'off', token: null };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A preHandler that answers 401 unless the request carries the token (compared in constant time). */
export function requireBearer(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="metrics"')
      .send({ error: given === undefined ? 'Authorization: Bearer <METRICS_TOKEN> is required' : 'The metrics token is wrong' });
  };
}
