// Operations endpoints: /healthz (the process answers), /readyz (store and gateway reachable,
// gateway set up), /metrics (Prometheus) where metrics-access.ts says, and the admin listener that
// serves them apart from the public port when METRICS_PORT is set.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Deps } from '../context';
import { metricsAccess, requireBearer } from './metrics-access';

export interface OpsOptions {
  deps: Deps;
  /** Which listener this is: /metrics is registered only on the one metricsAccess() names. */
  listener: 'public' | 'admin';
}

export async function opsRoutes(app: FastifyInstance, opts: OpsOptions): Promise<void> {
  const { deps } = opts;
  const access = metricsAccess(deps.config);
  let gatewayCheck: { at: number; ok: boolean; detail: string } = { at: 0, ok: false, detail: 'not checked yet' };

  async function gatewayReachable(): Promise<{ ok: boolean; detail: string }> {
    if (Date.now() - gatewayCheck.at < 5000) return gatewayCheck;
    const channelId = deps.setup?.channelId;
    let result: { ok: boolean; detail: string };
    if (!channelId) result = { ok: false, detail: 'the webhook and channel are not set up yet' };
    else {
      const outcome = await deps.gateway.getChannel(channelId);
      result = outcome.kind === 'ok' ? { ok: true, detail: 'ok' } : { ok: false, detail: outcome.message };
    }
    gatewayCheck = { at: Date.now(), ...result };
    return result;
  }

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_request, reply) => {
    const store = await deps.store.ping().then(
      () => ({ ok: true, detail: 'ok' }),
      (error: Error) => ({ ok: false, detail: error.message }),
    );
    const gateway = await gatewayReachable();
    const ok = store.ok && gateway.ok;
    return reply.code(ok ? 200 : 503).send({ ok, store, gateway, bot: botStatus(deps) });
  });

  if (access.where !== opts.listener) return;
  app.get('/metrics', { ...(access.token ? { preHandler: requireBearer(access.token) } : {}) }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}

/**
 * What the bridge knows of the bot: informative, not part of `ok` (another replica would reach the
 * bot no better, and the customers still get their notices and agents). A problem stands until the
 * bot answers again.
 */
function botStatus(deps: Deps): { ok: boolean; transport: string; detail: string; hint?: string } {
  const { problem, okAt } = deps.botHealth;
  const transport = deps.config.bot.transport;
  if (problem && problem.at >= okAt) return { ok: false, transport, detail: problem.detail, hint: problem.hint };
  return { ok: true, transport, detail: okAt ? 'answered' : 'not asked yet' };
}

/** The admin listener (METRICS_PORT): /metrics, /healthz and /readyz, nothing a customer calls. */
export async function adminApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 1024 }) as unknown as FastifyInstance;
  await app.register(opsRoutes, { deps, listener: 'admin' });
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: `No such endpoint: ${request.method} ${request.url.split('?')[0]}` }));
  return app;
}
