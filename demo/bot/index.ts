// `npm run bot`: the demo FAQ bot on BOT_PORT (default 3978; 0 = any free port), endpoint /api/messages.
//
// Without MicrosoftAppId / MicrosoftAppPassword the SDK skips Bot Framework authentication, which is
// what a local channel like the Parley bridge needs (it cannot mint Azure AD tokens). Set them only
// when the bot sits behind the real Bot Connector service.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import Fastify from 'fastify';
import { FaqBot } from './bot';

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
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: process.env.MicrosoftAppId ?? '',
    MicrosoftAppPassword: process.env.MicrosoftAppPassword ?? '',
    MicrosoftAppType: process.env.MicrosoftAppType ?? 'MultiTenant',
    MicrosoftAppTenantId: process.env.MicrosoftAppTenantId ?? '',
  } as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    console.error(`bot: turn failed: ${(error as Error).stack ?? error}`);
    await context.sendActivity('Sorry, something went wrong on my side.').catch(() => undefined);
  };
  const bot = new FaqBot();

  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'warn' }, bodyLimit: 256 * 1024 });
  app.get('/healthz', async () => ({ ok: true }));
  app.post('/api/messages', async (request, reply) => {
    // CloudAdapter speaks to restify/express-style responses; collect what it says and send it once.
    let status = 200;
    let payload: unknown;
    const response = {
      status(code: number) {
        status = code;
        return response;
      },
      header() {
        return response;
      },
      send(body: unknown) {
        payload = body;
        return response;
      },
      end() {
        return response;
      },
    };
    await adapter.process(request as never, response as never, (context) => bot.run(context));
    return reply.code(status).send(payload ?? '');
  });

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
