// Operations endpoints: /healthz (the process answers), /readyz (store and gateway reachable,
// gateway set up), /metrics (Prometheus).
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context';

export async function opsRoutes(app: FastifyInstance, opts: { deps: Deps }): Promise<void> {
  const { deps } = opts;
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
    return reply.code(ok ? 200 : 503).send({ ok, store, gateway });
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
