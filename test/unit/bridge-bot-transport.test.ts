// BOT_TRANSPORT and Direct Line settings, validated at start; Copilot Studio's va_* handoff context
// named for the agent; and the queued activities as the Direct Line transport posts them.
import { describe, expect, it } from 'vitest';
import { readableContext, toDirectLine } from '../../bot-bridge/bot-transport';
import { ConfigError, configFromEnv } from '../../bot-bridge/config';
import { activity, newWidgetChat } from '../../bot-bridge/sessions';

const problemsOf = (env: Record<string, string>) => {
  try {
    configFromEnv(env);
    return '';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
};

describe('BOT_TRANSPORT', () => {
  it('defaults to the Bot Connector channel, and says a Direct Line secret is then unused', () => {
    const config = configFromEnv({ DIRECT_LINE_SECRET: 'a-secret-of-enough-length' });
    expect(config.bot).toMatchObject({ transport: 'bot-connector', directLine: null });
    expect(config.notices.join('\n')).toMatch(/DIRECT_LINE_SECRET is set but BOT_TRANSPORT is bot-connector/);
    expect(config.notices.join('\n')).not.toContain('a-secret-of-enough-length');
  });

  it('takes directline with a secret, on the public endpoint unless told another', () => {
    expect(configFromEnv({ BOT_TRANSPORT: 'directline', DIRECT_LINE_SECRET: 'a-secret-of-enough-length' }).bot.directLine).toEqual({
      url: 'https://directline.botframework.com',
      secret: 'a-secret-of-enough-length',
    });
    expect(
      configFromEnv({ BOT_TRANSPORT: 'directline', DIRECT_LINE_SECRET: 'a-secret-of-enough-length', DIRECT_LINE_URL: 'https://europe.directline.botframework.com/v3/directline' })
        .bot.directLine?.url,
    ).toBe('https://europe.directline.botframework.com');
    expect(configFromEnv({ BOT_TRANSPORT: 'directline', DIRECT_LINE_SECRET: 'a-secret-of-enough-length', DIRECT_LINE_URL: 'http://127.0.0.1:4030' }).bot.directLine?.url).toBe(
      'http://127.0.0.1:4030',
    );
  });

  it('refuses directline without a secret, a short one, plain http to another host, and unknown transports', () => {
    expect(problemsOf({ BOT_TRANSPORT: 'directline' })).toMatch(/needs DIRECT_LINE_SECRET/);
    expect(problemsOf({ BOT_TRANSPORT: 'directline', DIRECT_LINE_SECRET: 'short' })).toMatch(/at least 16 characters/);
    const http = problemsOf({ BOT_TRANSPORT: 'directline', DIRECT_LINE_SECRET: 'a-secret-of-enough-length', DIRECT_LINE_URL: 'http://directline.example.com' });
    expect(http).toMatch(/DIRECT_LINE_URL must be https/);
    expect(http).not.toContain('a-secret-of-enough-length');
    expect(problemsOf({ BOT_TRANSPORT: 'webchat' })).toMatch(/BOT_TRANSPORT must be one of bot-connector, directline/);
  });
});

describe("Copilot Studio's handoff context", () => {
  it('names the va_* fields for the agent, joins lists, and drops va_Scope', () => {
    expect(
      readableContext({
        va_Scope: 'bot',
        va_BotName: 'Contoso',
        va_Topics: ['Greeting', 'Escalate'],
        va_LastPhrases: ['hello', 'agent please'],
        va_Language: 'en-us',
        va_AgentMessage: 'VIP',
        va_Custom: 'kept',
        Order: '123',
      }),
    ).toEqual({
      'Message for the agent': 'VIP',
      'Last phrases': 'hello | agent please',
      Order: '123',
      'Bot name': 'Contoso',
      Topics: 'Greeting, Escalate',
      Language: 'en-us',
      va_Custom: 'kept',
    });
  });

  it('leaves any other context as it is', () => {
    expect(readableContext({ Reason: 'asked' })).toEqual({ Reason: 'asked' });
    expect(readableContext('just text')).toBe('just text');
    expect(readableContext(null)).toBe(null);
  });
});

describe('activities posted over Direct Line', () => {
  const session = newWidgetChat(
    { contactCenterId: 'cc', nickname: 'Ann', subject: 'Parcel', queueId: 'support', userData: { Page: '/cart' } },
    { id: 'chat-id', botConversationId: 'bc', now: 0 },
  );
  it('carries the message, its locale and the chat data; never the chat id (the customer credential)', () => {
    const posted = toDirectLine(session, activity.message('hi', 'a1', 0));
    expect(posted).toMatchObject({
      type: 'message',
      text: 'hi',
      textFormat: 'plain',
      locale: 'en',
      channelData: { contactCenterId: 'cc', subject: 'Parcel', userData: { Page: '/cart' } },
    });
    expect(JSON.stringify(posted)).not.toContain('chat-id');
    expect(toDirectLine(session, activity.handoffStatus('a2', 0, 'accepted'))).toMatchObject({ type: 'event', name: 'handoff.status', value: { state: 'accepted' } });
  });

  it("carries the customer's files as links the bot can fetch, and a reply button's value", () => {
    const file = { contentType: 'image/png', name: 'broken.png', contentUrl: 'https://bridge.example/api/v2/files/f1?sig=x' };
    const posted = toDirectLine(session, { ...activity.message('Size M', 'a3', 0), value: { size: 'M' } }, [file]);
    expect(posted).toMatchObject({ type: 'message', text: 'Size M', value: { size: 'M' }, attachments: [file] });
    expect(toDirectLine(session, activity.message('hi', 'a4', 0))).not.toHaveProperty('attachments');
  });
});
