// `npm run directline`: a Direct Line 3.0 service on DIRECTLINE_PORT (default 4030; 0 = any free
// port, printed), accepting DIRECT_LINE_SECRET and fronting the bot at BOT_ENDPOINT.
import { buildDirectLine } from './app';
import { ConfigError, configFromEnv, DEMO_SECRET } from './config';

async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`directline: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const { app, dl } = await buildDirectLine(config);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    console.error(`directline: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    process.exit(1);
  }
  // The secret itself is never printed, unless it is the public demo one.
  const secret = config.secret === DEMO_SECRET ? `${DEMO_SECRET} (the demo default)` : '(set by DIRECT_LINE_SECRET)';
  console.log(`directline: listening on ${dl.publicUrl()}`);
  console.log(
    `directline: fronting the bot at ${config.botEndpoint} · secret ${secret} · ${config.botAppId ? `Bot Framework tokens for the bot's app id ${config.botAppId} (its credentials are not checked)` : 'no Bot Framework authentication towards the bot'}`,
  );

  const stop = async (signal: string) => {
    console.log(`directline: ${signal}, stopping`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void main();
