// The bot's problems as a bot team reads them: what the transport saw, and which setting to change.
import type { BotProblem } from './types';

const now = () => Date.now();

export const problems = {
  /** The bot answered the Bot Connector channel 401/403: it checks Microsoft's credentials. */
  botRefusedConnector: (status: number): BotProblem => ({
    kind: 'bot-refused',
    detail: `the bot at BOT_ENDPOINT answered HTTP ${status}: it checks Bot Framework authentication (MicrosoftAppId is set), which only Microsoft's channels can pass`,
    hint: 'this bot has MicrosoftAppId set; use BOT_TRANSPORT=directline with its DIRECT_LINE_SECRET (Azure portal: the bot → Channels → Direct Line), or run it without MicrosoftAppId/MicrosoftAppPassword for the Bot Connector channel',
    at: now(),
  }),
  unreachableConnector: (why: string): BotProblem => ({
    kind: 'unreachable',
    detail: `the bot at BOT_ENDPOINT cannot be reached (${why})`,
    hint: 'check BOT_ENDPOINT (the bot’s messaging endpoint, e.g. http://127.0.0.1:3978/api/messages) and that the bot runs',
    at: now(),
  }),
  botErrorConnector: (status: number): BotProblem => ({
    kind: 'bot-error',
    detail: `the bot at BOT_ENDPOINT answered HTTP ${status}`,
    hint: 'see the bot’s own log for the error',
    at: now(),
  }),
  secretRefused: (detail: string): BotProblem => ({
    kind: 'secret-refused',
    detail: `Direct Line refused the secret: ${detail}`,
    hint: 'copy a secret key from the Azure portal (the bot → Channels → Direct Line → Default Site) or Copilot Studio (Settings → Security → Web channel security) into DIRECT_LINE_SECRET, and check DIRECT_LINE_URL is the bot’s region',
    at: now(),
  }),
  unreachableDirectLine: (detail: string): BotProblem => ({
    kind: 'unreachable',
    detail: `Direct Line cannot be reached: ${detail}`,
    hint: 'check DIRECT_LINE_URL (https://directline.botframework.com, or the bot’s regional endpoint) and that this host may reach it',
    at: now(),
  }),
  botFailedDirectLine: (detail: string): BotProblem => ({
    kind: /401|403|authentication/i.test(detail) ? 'bot-refused' : 'bot-error',
    detail: `Direct Line took the activity but the bot did not: ${detail}`,
    hint: /401|403|authentication/i.test(detail)
      ? 'the bot refused Direct Line’s credentials: check the bot’s MicrosoftAppId/MicrosoftAppPassword match its Azure registration'
      : 'see the bot’s own log (Azure portal: the bot → Channels → Direct Line shows its errors too)',
    at: now(),
  }),
};
