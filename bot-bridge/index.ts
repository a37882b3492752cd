// `npm run bridge`: the bot bridge on BRIDGE_PORT (default 4020; 0 = any free port). Validates the
// environment, listens, then sets up the gateway; SIGTERM/SIGINT drain the outbox and stop.
import { buildBridge } from './app';
import { ConfigError, configFromEnv } from './config';
import { metricsAccess } from './fronts';
import { createLogger } from './ops';

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bridge: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  // Never crash on a stray rejection: log it, the outbox and the store keep the work.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

  const bridge = await buildBridge(config, { logger: log });
  try {
    await bridge.app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(`bridge: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    process.exit(1);
  }
  const address = bridge.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  const metricsAt = await listenAdmin(bridge, config);
  await bridge.start(config.publicUrl ?? url);
  console.log(`bridge: listening on ${url}`);
  console.log(`bridge: ${metricsAt}`);
  for (const notice of config.notices) console.log(`bridge: ${notice}`);
  console.log(
    `bridge: store ${config.store.startsWith('redis') ? 'redis' : config.store} · gateway ${config.gateway.url} · bot ${config.bot.transport === 'directline' ? `over Direct Line at ${config.bot.directLine?.url}` : config.bot.endpoint} · handover API ${config.apiKey ? 'on' : 'off (set BRIDGE_API_KEY)'}`,
  );
  void bridge.ready.then(() => console.log(`bridge: gateway channel ${bridge.deps.setup?.channelId} ready`));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`bridge: ${signal}, draining the outbox and stopping`);
    const force = setTimeout(() => process.exit(1), (config.shutdownDrainS + 10) * 1000);
    force.unref();
    await bridge.app.close().catch((error: Error) => log.error({ err: error }, 'error while stopping'));
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

/** Listens on the admin port when there is one; says where /metrics is served. */
async function listenAdmin(bridge: Awaited<ReturnType<typeof buildBridge>>, config: ReturnType<typeof configFromEnv>): Promise<string> {
  const access = metricsAccess(config);
  const token = access.token ? ' (Bearer METRICS_TOKEN)' : '';
  if (access.where === 'off') return 'metrics off: BRIDGE_HOST is not loopback, so /metrics needs METRICS_TOKEN or METRICS_PORT';
  if (access.where === 'public' || !bridge.admin) return `metrics at /metrics${token}`;
  try {
    await bridge.admin.listen({ port: config.metrics.port ?? 0, host: config.metrics.host });
  } catch (error) {
    console.error(`bridge: cannot listen on ${config.metrics.host}:${config.metrics.port} (METRICS_PORT): ${(error as Error).message}`);
    process.exit(1);
  }
  const address = bridge.admin.server.address();
  const port = typeof address === 'object' && address ? address.port : config.metrics.port;
  return `metrics at http://${config.metrics.host}:${port}/metrics${token}`;
}

void main();
