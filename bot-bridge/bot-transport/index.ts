// How the bridge reaches the bot (BOT_TRANSPORT): the Bot Connector channel (the bridge is the bot's
// Bot Connector) or Direct Line (the bridge is a Direct Line client, Microsoft's service is the
// channel). Both hand the bot's activities to the same `arrived`, and the bot.send job to either.
import type { Deps } from '../context';
import { botConnectorTransport } from './bot-connector';
import { directLineTransport, type DirectLineTransportOptions } from './directline';
import type { Arrived, BotTransport } from './types';

export { botConnectorTransport, CHANNEL_ID, fullActivity, serviceUrlOf, type BotAttachment } from './bot-connector';
export { directLineTransport, toDirectLine, type DirectLineTransportOptions } from './directline';
export { problems } from './diagnosis';
export { readableContext } from './copilot';
export type { Arrived, BotProblem, BotTransport, Delivery } from './types';

export function createBotTransport(deps: Deps, arrived: Arrived, options: DirectLineTransportOptions = {}): BotTransport {
  return deps.config.bot.transport === 'directline' ? directLineTransport(deps, arrived, options) : botConnectorTransport(deps);
}
