// A bot on the real botbuilder SDK (CloudAdapter, no app credentials) that records what its channel
// sends and answers through the SDK's own Bot Connector client, for tests of the Direct Line
// service's connector side: "echo: <text>" (after a typing), "slow <ms>" (answers that late),
// "fail" (answers 500), and a message with attachments is answered with a copy of the first one,
// stored through the attachments API (conversations.uploadAttachment).
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { ConnectorClient } from 'botframework-connector';
import Fastify from 'fastify';

export interface RecordingBot {
  endpoint: string;
  received: Activity[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startRecordingBot(): Promise<RecordingBot> {
  const received: Activity[] = [];
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({} as ConfigurationBotFrameworkAuthenticationOptions));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    const attachment = context.activity.attachments?.[0];
    if (attachment?.contentUrl) {
      const bytes = Buffer.from(await (await fetch(attachment.contentUrl)).arrayBuffer());
      const connector = context.turnState.get<ConnectorClient>(context.adapter.ConnectorClientKey);
      const stored = await connector.conversations.uploadAttachment(context.activity.conversation.id, {
        name: `copy of ${attachment.name ?? 'file'}`,
        type: attachment.contentType,
        originalBase64: new Uint8Array(bytes),
        thumbnailBase64: new Uint8Array(0),
      });
      await context.sendActivity({
        type: 'message',
        text: `got ${bytes.length} bytes`,
        attachments: [
          { contentType: attachment.contentType, contentUrl: `${context.activity.serviceUrl}v3/attachments/${stored.id}/views/original`, name: `copy of ${attachment.name}` },
        ],
      });
      return next();
    }
    const text = context.activity.text ?? '';
    const slow = /^slow (\d+)$/.exec(text);
    if (slow) await sleep(Number(slow[1]));
    await context.sendActivity({ type: 'typing' });
    await context.sendActivity(`echo: ${text}`);
    await next();
  });

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.post('/api/messages', async (request, reply) => {
    const activity = request.body as Activity;
    received.push(activity);
    if (activity.type === 'message' && activity.text === 'fail') return reply.code(500).send({ error: 'failing on purpose' });
    let status = 200;
    let payload: unknown;
    const response = {
      status(code: number) {
        status = code;
        return response;
      },
      header: () => response,
      send(body: unknown) {
        payload = body;
        return response;
      },
      end: () => response,
    };
    await adapter.process(request as never, response as never, (context) => bot.run(context));
    return reply.code(status).send(payload ?? '');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('bot did not bind');
  return { endpoint: `http://127.0.0.1:${address.port}/api/messages`, received, close: () => app.close() };
}
