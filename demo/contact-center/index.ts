// `npm run emulator`: the emulated contact center on EMULATOR_PORT (default 4010; 0 = any free port).
import { buildEmulator } from './app';
import { ensureAgentConsole } from './agent';
import { ConfigError, configFromEnv } from './config';

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`emulator: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  await ensureAgentConsole();
  const { app } = await buildEmulator(config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(`emulator: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    process.exit(1);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  console.log(`emulator: contact center listening on ${url}`);
  console.log(
    `emulator: agent console ${url}/agent · ContactCenterId ${config.contactCenterIds[0]} · gateway x-api-key ${config.gatewayApiKey === 'emulator-key' ? 'emulator-key (default)' : '(set by GATEWAY_API_KEY)'}`,
  );

  const stop = async (signal: string) => {
    console.log(`emulator: ${signal}, stopping`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void main();
