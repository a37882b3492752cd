// The bridge as an app factory: builds every part from a config, not listening yet (index.ts
// listens; tests use inject() or listen on port 0). start() runs what needs the bridge's own URL:
// the gateway bootstrap (its webhook must reach us), the outbox worker and the sweeper.
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { createBotTransport, type BotTransport } from './bot-transport';
import type { BridgeConfig } from './config';
import type { Deps } from './context';
import { adminApp, botActivityArrived, botChannel, customerChatApi, fileLinks, handoverApi, metricsAccess, opsRoutes, WEBHOOK_PATH, webhookReceiver } from './fronts';
import { Availability, GatewayClient, WebhookVerifier, bootstrapGateway, gatewayIdentity, knownGatewayIdentity } from './gateway';
import { handlers } from './jobs';
import { Limiter, memoryLimitStore, redisLimitStore, type LimitStore } from './limits';
import { backoff, OutboxWorker } from './outbox';
import { createLogger, Metrics, startSweeper, type Logger } from './ops';
import { Sessions } from './sessions/service';
import { openStore, type Store } from './store';

export interface Bridge {
  app: FastifyInstance;
  /** The admin listener for /metrics when METRICS_PORT is set (the caller listens on it); else null. */
  admin: FastifyInstance | null;
  deps: Deps;
  sessions: Sessions;
  worker: OutboxWorker;
  /** Webhook signatures, and whose webhooks this bridge takes once it knows. */
  verifier: WebhookVerifier;
  /** Call once listening: sets the public URL, starts the worker, and sets up the gateway (retried until it works). */
  start(publicUrl?: string): Promise<void>;
  /** Resolves once the gateway webhook and channel are set up and the bridge knows whose webhooks to take. */
  ready: Promise<void>;
  /** How bot.send reaches the bot (BOT_TRANSPORT). */
  transport: BotTransport;
}

export interface BuildOptions {
  logger?: Logger;
  store?: Store;
  /** Where the Customer Chat API's limits count; default: Redis when BRIDGE_STORE is, else in-process. */
  limits?: LimitStore;
  /** Another transport to the bot (tests); by default the one BOT_TRANSPORT names. */
  transport?: (deps: Deps, sessions: Sessions) => BotTransport;
}

export async function buildBridge(config: BridgeConfig, options: BuildOptions = {}): Promise<Bridge> {
  const log = options.logger ?? createLogger(config.logLevel);
  const store = options.store ?? openStore(config.store, { redisPrefix: config.redisPrefix, retentionH: config.retentionH });
  const metrics = new Metrics(() => store);
  let publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  let worker: OutboxWorker | null = null;

  const deps: Deps = {
    config,
    store,
    log,
    metrics,
    gateway: new GatewayClient({
      url: config.gateway.url,
      apiKey: config.gateway.apiKey,
      tenant: config.gateway.tenant,
      rps: config.gateway.rps,
      reservedShare: config.gateway.reservedPercent / 100,
      // A job waiting for its slot holds one of the worker's OUTBOX_CONCURRENCY places, which the
      // bot's jobs (another chat's greeting) need too: wait a moment at most, else the job is
      // rescheduled for when the slot comes up and frees its place. (At 1 s, a flood's gateway jobs
      // held every place: greetings waited 90 s in the abuse bench.)
      maxWaitMs: 250,
      timeoutMs: config.gateway.timeoutMs,
      store,
      observe: ({ method, route, status, seconds }) => metrics.gatewayLatency.observe({ method, route, status: String(status) }, seconds),
    }),
    availability: new Availability({
      ...config.availability,
      rtsUrl: config.availability.rtsUrl ?? config.gateway.url,
      onError: (dependency, message) => {
        metrics.dependencyErrors.inc({ dependency });
        log.warn({ dependency, problem: message }, 'availability check failed');
      },
    }),
    setup: null,
    publicUrl: () => publicUrl,
    wake: () => worker?.wake(),
    botHealth: { failedAt: 0, okAt: 0 },
  };
  const sessions = new Sessions(deps);
  let limitErrors = 0;
  const limiter = new Limiter({
    store: options.limits ?? (/^rediss?:\/\//.test(config.store) ? redisLimitStore(config.store, `${config.redisPrefix}lim:`) : memoryLimitStore()),
    rules: config.limits,
    isOpen: async (id) => {
      const session = await store.getSession(id);
      return session !== null && session !== undefined && session.state !== 'ended';
    },
    // A chat counts as open for a day at most (the idle timeout ends a forgotten one much sooner).
    openTtlMs: Math.min(24, config.retentionH) * 3_600_000,
    onError: (error) => {
      if (limitErrors++ % 100 === 0) log.warn({ err: error }, 'limits cannot be checked (the store is away): requests go through unlimited');
    },
  });
  // Whatever the transport, the bot's activities reach the session machine as the channel's do.
  const transport = options.transport?.(deps, sessions) ?? createBotTransport(deps, (session, activity, id) => botActivityArrived(deps, sessions, session, activity, id));
  const jobHandlers = handlers(deps, sessions.apply, transport);
  metrics.outboxJobs.allow('kind', Object.keys(jobHandlers));
  worker = new OutboxWorker({
    store,
    handlers: jobHandlers,
    concurrency: config.outbox.concurrency,
    pollMs: config.outbox.pollMs,
    leaseMs: Math.max(config.gateway.timeoutMs, config.bot.timeoutMs) * 3 + 10_000,
    log,
    onResult: (kind, result) => metrics.outboxJobs.inc({ kind, result }),
  });
  const jwkUrl = config.gateway.jwkUrl ?? `${config.gateway.url}/chat-gateway/v1/jwk/{kid}/public`;
  // Whose webhooks these are: configured, or learned once from the gateway and kept in the store.
  const identitySource = {
    store,
    gatewayUrl: config.gateway.url,
    apiKey: config.gateway.apiKey,
    configured: { tenantId: config.gateway.expectedTenantId, customerId: config.gateway.expectedCustomerId },
  };
  const verifier = new WebhookVerifier({
    jwkUrl,
    maxAgeS: config.webhook.maxAgeS,
    // Until the bootstrap knows the tenant and customer (configured or learned), webhooks get 401,
    // unless another replica has stored them already.
    identity: null,
    lookUpIdentity: () => knownGatewayIdentity(identitySource),
    pins: { get: (kid) => store.getSetting(`jwk:${jwkUrl}:${kid}`), claim: (kid, jwk) => store.claimSetting(`jwk:${jwkUrl}:${kid}`, jwk) },
  });

  // 64 KB is plenty for a chat message; the fronts that take more (webhooks, bot activities, the
  // handover API's history) raise it for their own routes.
  const app = Fastify({
    loggerInstance: log,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // Whose X-Forwarded-For is believed for request.ip (what the limits count by): TRUST_PROXY only.
    trustProxy: config.trustProxy,
  }) as unknown as FastifyInstance;
  app.addHook('onResponse', async (request, reply) => {
    // Route patterns only: URLs hold chat ids, the customer's credential.
    request.log.debug({ method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await app.register(customerChatApi, { prefix: '/api/v2', deps, sessions, limiter });
  await app.register(fileLinks, { prefix: '/api/v2/files', store: deps.store });
  // The bot's serviceUrl carries its chat's secret (/bot/{token}/); /v3 alone serves only chats made before there was one.
  await app.register(botChannel, { prefix: '/bot/:token/v3', deps, sessions });
  await app.register(botChannel, { prefix: '/v3', deps, sessions });
  await app.register(handoverApi, { prefix: '/v1', deps, sessions });
  await app.register(webhookReceiver, { prefix: '/webhooks', deps, verifier });
  await app.register(opsRoutes, { deps, listener: 'public' });
  const admin = config.metrics.port === null ? null : await adminApp(deps);

  app.get('/', async () => ({
    name: 'Parley bot bridge',
    endpoints: {
      customerChat: '/api/v2',
      botConnector: '/bot/{token}/v3/conversations/{conversationId}/activities (the serviceUrl each activity gives the bot)',
      handoverApi: '/v1/handovers',
      gatewayWebhook: WEBHOOK_PATH,
      health: '/healthz',
      ready: '/readyz',
      ...(metricsAccess(config).where === 'public' ? { metrics: '/metrics' } : {}),
    },
  }));
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ error: `No such endpoint: ${request.method} ${request.url.split('?')[0]}` }));

  let started = false;
  let stopSweeper = () => {};
  let stopped = false;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const setUpGateway = async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        deps.setup = await bootstrapGateway({
          store,
          client: deps.gateway,
          gatewayUrl: config.gateway.url,
          webhookUri: `${publicUrl}${WEBHOOK_PATH}`,
          channelId: config.gateway.channelId,
          webhookId: config.gateway.webhookId,
          queueId: config.gateway.queueId,
          owner: worker!.owner,
          log,
        });
        log.info({ channelId: deps.setup.channelId, webhookId: deps.setup.webhookId }, 'gateway set up');
        await learnIdentity();
        return;
      } catch (error) {
        log.warn({ err: error, attempt }, 'gateway setup failed, retrying');
        await new Promise((r) => setTimeout(r, backoff(attempt, 1000, 30_000)));
      }
    }
  };

  // Webhooks are refused until the bridge knows whose they are (gateway/identity.ts). Learning
  // needs the gateway to reach us, through a load balancer that routes only to ready replicas:
  // so it runs after the setup (which /readyz waits for), and is retried until it works.
  const learnIdentity = async () => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const identity = await gatewayIdentity({ ...identitySource, client: deps.gateway, webhookUri: `${publicUrl}${WEBHOOK_PATH}`, owner: worker!.owner });
        if (identity) {
          verifier.trust(identity);
          log.info({ tenantId: identity.tenantId, customerId: identity.customerId }, 'webhooks must be signed for this tenant and customer');
          markReady();
          return;
        }
      } catch (error) {
        log.warn({ err: error, attempt }, 'cannot tell whose webhooks to take yet (all are refused until then), retrying');
      }
      // Another replica may be learning it (null), or the gateway could not reach us yet. Webhooks
      // that land here meanwhile do not wait for this: the verifier looks in the store for them.
      await new Promise((r) => setTimeout(r, Math.min(backoff(attempt, 500, 15_000), 15_000)));
    }
  };

  // Said at start, and kept for /readyz until the bot answers: a bot team can act on what it says.
  const checkBot = async () => {
    const problem = await transport.check().catch((error: Error) => ({ kind: 'unreachable' as const, detail: error.message, hint: '', at: Date.now() }));
    if (problem) {
      deps.botHealth.problem = problem;
      log.error({ transport: transport.kind, problem: problem.detail, hint: problem.hint }, `the bot cannot be reached: ${problem.detail}; ${problem.hint}`);
    } else log.info({ transport: transport.kind }, 'the bot can be reached');
  };

  // Closing waits for open connections. A keep-alive connection whose request finishes after close
  // began (a webhook, a poll) would otherwise hold the server open until the client's keep-alive
  // ends: close those as they go idle, and any left after a few seconds.
  let closeIdle: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    const started = Date.now();
    closeIdle = setInterval(() => {
      if (Date.now() - started > 5000) app.server.closeAllConnections();
      else app.server.closeIdleConnections();
    }, 100);
    closeIdle.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(closeIdle);
    stopped = true;
    stopSweeper();
    await transport.stop();
    await admin?.close();
    await worker!.stop(config.shutdownDrainS * 1000);
    await limiter.close();
    if (!options.store) await store.close();
  });

  return {
    app,
    admin,
    deps,
    sessions,
    worker,
    verifier,
    ready,
    transport,
    async start(url?: string) {
      if (started) return;
      started = true;
      if (url) publicUrl = url.replace(/\/+$/, '');
      worker!.start();
      stopSweeper = startSweeper(deps, sessions, worker!.owner);
      transport.start();
      void setUpGateway();
      void checkBot();
    },
  };
}
