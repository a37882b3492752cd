// What leaves the jobs folder: every outbox job handler, the job builders, and webhook intake.
import type { Deps } from '../context';
import type { Handler } from '../outbox';
import type { Sessions } from '../sessions/service';
import { botHandlers } from './bot';
import { callbackHandlers } from './callback';
import { gatewayHandlers } from './gateway';
import { inboxHandlers } from './inbox';

export { activity, job, queueOf, type CallbackEvent, type QueuedActivity } from './kinds';
export { recordEvent } from './inbox';
export { CHANNEL_ID, botUserId, fullActivity } from './bot';
export { signCallback, verifyCallback, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './callback';
export { deliver } from './deliver';

export function handlers(deps: Deps, sessions: Sessions): Record<string, Handler> {
  return { ...gatewayHandlers(deps, sessions), ...botHandlers(deps, sessions), ...callbackHandlers(deps), ...inboxHandlers(deps) };
}
