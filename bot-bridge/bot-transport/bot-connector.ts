// The Bot Connector channel transport: the bridge plays the Bot Connector and POSTs each activity to
// BOT_ENDPOINT with a serviceUrl pointing back here; the bot answers through fronts/bot-channel. It
// only reaches a bot without credentials: one with MicrosoftAppId answers 401, and says so here.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../context';
import { attachmentOf } from '../files';
import { backoff } from '../outbox';
import { botUserId, type QueuedActivity, type Session } from '../sessions';
import { problems } from './diagnosis';
import type { BotProblem, BotTransport, Delivery } from './types';

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
export async function attachmentsOf(deps: Pick<Deps, 'store' | 'publicUrl'>, a: QueuedActivity): Promise<BotAttachment[]> {
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

export function botConnectorTransport(deps: Deps): BotTransport {
  const { config } = deps;

  async function post(body: Record<string, unknown>): Promise<Response> {
    const response = await fetch(config.bot.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.bot.timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response;
  }

  const codeOf = (error: unknown) => {
    const err = error as Error & { cause?: { code?: string } };
    return err.cause?.code ?? err.message;
  };

  return {
    kind: 'bot-connector',

    async deliver(session: Session, a: QueuedActivity, job: { attempts: number }): Promise<Delivery> {
      try {
        const response = await post(fullActivity(session, a, deps, await attachmentsOf(deps, a)));
        if (response.ok) return { ok: true };
        if (response.status === 401 || response.status === 403) {
          const problem = problems.botRefusedConnector(response.status);
          deps.botHealth.problem = problem;
          return { failed: 'error', detail: `HTTP ${response.status}: ${problem.hint}` };
        }
        return { failed: 'error', detail: `HTTP ${response.status}` };
      } catch (error) {
        if ((error as Error).name === 'TimeoutError') return { failed: 'timeout', detail: `no answer within ${config.bot.timeoutMs} ms` };
        const code = codeOf(error);
        // Not reached at all (refused, no route): safe to try again a few times.
        if (job.attempts < 3 && (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH'))
          return { retryAt: Date.now() + backoff(job.attempts, 300, 2000), error: `bot unreachable: ${code}` };
        deps.botHealth.problem = problems.unreachableConnector(code);
        return { failed: 'unreachable', detail: code };
      }
    },

    /** An event no bot acts on (`parley.probe`, in a conversation of its own): how the bot answers tells enough. */
    async check(): Promise<BotProblem | null> {
      const probe = {
        type: 'event',
        name: 'parley.probe',
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: CHANNEL_ID,
        serviceUrl: `${deps.publicUrl()}/`,
        from: { id: 'parley-probe', name: 'Parley', role: 'user' },
        recipient: { id: config.bot.id, name: config.bot.name, role: 'bot' },
        conversation: { id: `probe-${randomUUID()}`, conversationType: 'personal' },
      };
      try {
        const response = await post(probe);
        if (response.status === 401 || response.status === 403) return problems.botRefusedConnector(response.status);
        if (response.status >= 500) return problems.botErrorConnector(response.status);
        return null;
      } catch (error) {
        return problems.unreachableConnector((error as Error).name === 'TimeoutError' ? `no answer within ${config.bot.timeoutMs} ms` : codeOf(error));
      }
    },

    start() {},
    async stop() {},
  };
}
