// `npm run bot`: the demo FAQ bot on BOT_PORT (default 3978; 0 = any free port), endpoint /api/messages.
// It runs without Microsoft app credentials (see app.ts): fine for a local channel such as the bridge.
import { buildBotServer } from './app';

function port(): number {
  const raw = process.env.BOT_PORT ?? '3978';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`bot: BOT_PORT must be an integer from 0 to 65535, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const host = process.env.BOT_HOST ?? '127.0.0.1';
  const app = buildBotServer();
  try {
    await app.listen({ port: port(), host });
  } catch (error) {
    console.error(`bot: cannot listen: ${(error as Error).message}`);
    process.exit(1);
  }
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port();
  console.log(`bot: listening on http://${host}:${bound} (endpoint /api/messages, ${process.env.MicrosoftAppId ? 'Bot Framework auth on' : 'no app credentials: auth skipped'})`);

  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
