// Delivers activities to the bot (the bridge is its Bot Connector): POST to BOT_ENDPOINT with a
// serviceUrl pointing back here. A bot that does not answer in time is not asked again (it may be
// working on it); what the customer is told then is the session machine's to say (bot-failed).
import type { Deps } from '../context';
import { attachmentOf } from '../files';
import { backoff, type Handler, type JobResult } from '../outbox';
import { short } from '../ops';
import { botUserId, type Apply, type BotFailure, type QueuedActivity, type Session } from '../sessions';

/**
 * The channel id the bot sees. botbuilder decides by channel id what a channel can show
 * (botbuilder-dialogs choices/channel.js: supportsSuggestedActions, supportsCardActions): for an
 * id it does not know, ChoicePrompt and ConfirmPrompt fall back to a numbered text list. The
 * bridge shows suggested actions as quick replies and card actions as buttons, as Web Chat does,
 * so it says 'webchat' and an unmodified prompt shows buttons. channelData.channel says 'parley'
 * for a bot that wants to know.
 */
export const CHANNEL_ID = 'webchat';

/** A customer's file as the bot gets it: a link it can fetch without credentials, for a few minutes. */
export interface BotAttachment {
  contentType: string;
  name: string;
  contentUrl: string;
}

/** The customer's files of an activity, with fresh links (a file no longer kept is left out). */
async function attachmentsOf(deps: Pick<Deps, 'store' | 'publicUrl'>, a: QueuedActivity): Promise<BotAttachment[]> {
  const out: BotAttachment[] = [];
  for (const ref of a.files ?? []) {
    const file = await deps.store.getFile(ref.id);
    if (file) out.push({ contentType: file.contentType, name: file.name, contentUrl: attachmentOf(file, deps.publicUrl()).url });
  }
  return out;
}

/** Where the bot replies for this chat: the bridge, with the chat's own secret in the path (fronts/bot-channel). */
export const serviceUrlOf = (session: Pick<Session, 'botToken'>, publicUrl: string) => (session.botToken ? `${publicUrl}/bot/${session.botToken}/` : `${publicUrl}/`);

export function fullActivity(session: Session, a: QueuedActivity, deps: Pick<Deps, 'config' | 'publicUrl'>, attachments: BotAttachment[] = []): Record<string, unknown> {
  const user = { id: botUserId(session), name: session.nickname, role: 'user' };
  const { membersAdded, files: _files, ...rest } = a;
  return {
    ...rest,
    ...(attachments.length ? { attachments } : {}),
    ...(a.type === 'message' ? { textFormat: 'plain' } : {}),
    ...(membersAdded ? { membersAdded: [user] } : {}),
    channelId: CHANNEL_ID,
    serviceUrl: serviceUrlOf(session, deps.publicUrl()),
    from: user,
    recipient: { id: deps.config.bot.id, name: deps.config.bot.name, role: 'bot' },
    conversation: { id: session.botConversationId, conversationType: 'personal' },
    locale: session.user.language ?? 'en',
    channelData: { channel: 'parley', contactCenterId: session.contactCenterId, subject: session.subject, userData: session.userData },
  };
}

export function botHandlers(deps: Deps, apply: Apply): Record<string, Handler> {
  const { store, config, log, metrics } = deps;

  async function failed(session: Session, a: QueuedActivity, why: BotFailure, detail: string): Promise<JobResult> {
    deps.botHealth.failedAt = Date.now();
    log.warn({ chat: short(session.id), activity: a.type, why, detail }, 'the bot did not answer');
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
      const response = await fetch(config.bot.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fullActivity(session, a, deps, await attachmentsOf(deps, a))),
        signal: AbortSignal.timeout(config.bot.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        result = 'ok';
        deps.botHealth.okAt = Date.now();
        return { done: true };
      }
      return await failed(session, a, 'error', `HTTP ${response.status}`);
    } catch (error) {
      const err = error as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError') {
        result = 'timeout';
        return await failed(session, a, 'timeout', `no answer within ${config.bot.timeoutMs} ms`);
      }
      result = 'unreachable';
      const code = err.cause?.code ?? err.message;
      // Not reached at all (refused, no route): safe to try again a few times.
      if (j.attempts < 3 && (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH')) {
        return { retryAt: Date.now() + backoff(j.attempts, 300, 2000), error: `bot unreachable: ${code}` };
      }
      return await failed(session, a, 'unreachable', code);
    } finally {
      metrics.botCalls.observe({ result }, (performance.now() - started) / 1000);
    }
  };

  return { 'bot.send': send };
}
