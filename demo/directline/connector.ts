// Towards the bot this service is the Bot Connector: it POSTs each activity to BOT_ENDPOINT with
// channelId "directline" and a serviceUrl pointing here, and the bot answers through the connector
// API (connector-api.ts). Microsoft's service sends a Bearer JWT the bot verifies, and checks the
// bot's own credentials on every reply. This stand-in sends one when it knows the bot's app id
// (DIRECTLINE_BOT_APP_ID, microsoft-auth.ts), none otherwise (a bot without MicrosoftAppId, as the
// demo bot), and never checks the bot's credentials.
import type { Conversation, User } from './conversations';
import { DirectLineError } from './errors';
import type { MicrosoftAuth } from './microsoft-auth';

export const CHANNEL_ID = 'directline';

export interface BotConnectorOptions {
  endpoint: string;
  botId: string;
  botName: string;
  timeoutMs: number;
  publicUrl: () => string;
  fetch?: typeof fetch;
  /** The bot has a MicrosoftAppId: each activity carries a token for it. */
  auth?: MicrosoftAuth | null;
}

export class BotConnector {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: BotConnectorOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  get bot(): User & { role: 'bot' } {
    return { id: this.options.botId, name: this.options.botName, role: 'bot' };
  }

  /**
   * Sends the activity to the bot after everything sent to it before in this conversation (a
   * conversationUpdate reaches it before the first message). Rejects with 502 BotError,
   * BotTimeout or BotNotAvailable, as the real service answers the client then.
   */
  deliver(conversation: Conversation, activity: Record<string, unknown>): Promise<void> {
    const run = conversation.botQueue.then(() => this.send(conversation, activity));
    conversation.botQueue = run.catch(() => undefined);
    return run;
  }

  private async send(conversation: Conversation, activity: Record<string, unknown>): Promise<void> {
    const body = {
      ...activity,
      channelId: CHANNEL_ID,
      serviceUrl: `${this.options.publicUrl()}/`,
      conversation: { id: conversation.id },
      recipient: this.bot,
    };
    let response: Response;
    try {
      response = await this.fetch(this.options.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.auth ? { authorization: `Bearer ${this.options.auth.channelToken(body.serviceUrl)}` } : {}),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new DirectLineError('BotTimeout', 'Failed to send activity: bot timed out');
      throw new DirectLineError('BotNotAvailable', 'Failed to send activity: bot unreachable');
    }
    await response.arrayBuffer().catch(() => undefined);
    // A bot with credentials answers 401 to a channel that sends none: say what that means.
    if (response.status === 401 || response.status === 403) {
      throw new DirectLineError(
        'BotError',
        `Failed to send activity: bot returned ${response.status}; it expects Bot Framework authentication, which this stand-in does not provide (run the bot without MicrosoftAppId)`,
      );
    }
    if (!response.ok) throw new DirectLineError('BotError', `Failed to send activity: bot returned an error (${response.status})`);
  }
}
