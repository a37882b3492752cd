// `npm run bridge`: the bot bridge on BRIDGE_PORT (default 4020; 0 = any free port). Validates the
// environment, listens, then sets up the gateway; SIGTERM/SIGINT drain the outbox and stop.
import { buildBridge } from './app';
import { ConfigError, configFromEnv } from './config';
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
  await bridge.start(config.publicUrl ?? url);
  console.log(`bridge: listening on ${url}`);
  console.log(
    `bridge: store ${config.store.startsWith('redis') ? 'redis' : config.store} · gateway ${config.gateway.url} · bot ${config.bot.endpoint} · handover API ${config.apiKey ? 'on' : 'off (set BRIDGE_API_KEY)'}`,
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

void main();
