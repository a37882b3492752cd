// Delivers activities to the bot through the configured transport (bot-transport/: the Bot
// Connector channel, or Direct Line). A bot that does not answer in time is not asked again (it may
// be working on it); what the customer is told then is the session machine's to say (bot-failed).
import { botConnectorTransport, type BotTransport } from '../bot-transport';
import type { Deps } from '../context';
import type { Handler, JobResult } from '../outbox';
import { short } from '../ops';
import type { Apply, BotFailure, QueuedActivity, Session } from '../sessions';

export { CHANNEL_ID, fullActivity, serviceUrlOf, type BotAttachment } from '../bot-transport';

export function botHandlers(deps: Deps, apply: Apply, transport: BotTransport = botConnectorTransport(deps)): Record<string, Handler> {
  const { store, log, metrics } = deps;

  async function failed(session: Session, a: QueuedActivity, why: BotFailure, detail: string): Promise<JobResult> {
    deps.botHealth.failedAt = Date.now();
    log.warn({ chat: short(session.id), activity: a.type, transport: transport.kind, why, detail }, 'the bot did not answer');
    await apply(session.id, { type: 'bot-failed', activityType: a.type, activityId: a.id, why });
    return { done: true };
  }

  const send: Handler = async (j) => {
    const { sessionId, activity: a } = j.data as { sessionId: string; activity: QueuedActivity };
    const session = await store.getSession(sessionId);
    if (!session || session.kind !== 'widget' || !session.botConversationId) return { done: true };
    if (a.type === 'message' && session.state !== 'bot') {
      // The bot no longer holds the chat: the machine says where this message goes instead.
      await apply(sessionId, { type: 'bot-turn-missed', text: a.text ?? '', jobKey: j.key ?? j.id }, session);
      return { done: true };
    }
    const started = performance.now();
    let result: 'ok' | BotFailure = 'error';
    try {
      const delivery = await transport.deliver(session, a, { key: j.key ?? j.id, attempts: j.attempts });
      if ('ok' in delivery) {
        result = 'ok';
        deps.botHealth.okAt = Date.now();
        return { done: true };
      }
      if ('retryAt' in delivery) {
        result = 'unreachable';
        return { retryAt: delivery.retryAt, error: delivery.error };
      }
      result = delivery.failed;
      return await failed(session, a, delivery.failed, delivery.detail);
    } finally {
      metrics.botCalls.observe({ result }, (performance.now() - started) / 1000);
    }
  };

  return { 'bot.send': send };
}
