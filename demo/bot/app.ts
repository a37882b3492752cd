// The demo bot's HTTP server, apart from the listening entry (index.ts): tests start it in-process.
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import Fastify, { type FastifyInstance } from 'fastify';
import { FaqBot } from './bot';

/**
 * Without MicrosoftAppId / MicrosoftAppPassword the SDK skips Bot Framework authentication, which is
 * what a local channel like the Parley bridge needs (it cannot mint Azure AD tokens). Set them only
 * when the bot sits behind the real Bot Connector service.
 */
export function buildBotServer(env: NodeJS.ProcessEnv = process.env): FastifyInstance {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: env.MicrosoftAppId ?? '',
    MicrosoftAppPassword: env.MicrosoftAppPassword ?? '',
    MicrosoftAppType: env.MicrosoftAppType ?? 'MultiTenant',
    MicrosoftAppTenantId: env.MicrosoftAppTenantId ?? '',
  } as ConfigurationBotFrameworkAuthenticationOptions);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    console.error(`bot: turn failed: ${(error as Error).stack ?? error}`);
    await context.sendActivity('Sorry, something went wrong on my side.').catch(() => undefined);
  };
  const bot = new FaqBot();

  const app = Fastify({ logger: { level: env.LOG_LEVEL ?? 'warn' }, bodyLimit: 256 * 1024 });
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
  return app;
}
