// What leaves the jobs folder: every outbox job handler. Jobs only do I/O (the gateway, the bot,
// callbacks, availability and participants lookups) and hand what they found to the session
// machine through `apply`; they change no session themselves.
import type { BotTransport } from '../bot-transport';
import type { Deps } from '../context';
import type { Handler } from '../outbox';
import type { Apply } from '../sessions';
import { botHandlers } from './bot';
import { callbackHandlers } from './callback';
import { gatewayHandlers } from './gateway';
import { inboxHandlers } from './inbox';

export { CHANNEL_ID, fullActivity, serviceUrlOf } from './bot';
export { signCallback, verifyCallback, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './callback';

/** `transport`: how bot.send reaches the bot (the Bot Connector channel unless given). */
export function handlers(deps: Deps, apply: Apply, transport?: BotTransport): Record<string, Handler> {
  return { ...gatewayHandlers(deps, apply), ...botHandlers(deps, apply, transport), ...callbackHandlers(deps), ...inboxHandlers(deps, apply) };
}
