// Webhook events, recorded in the inbox by the webhook front (fronts/webhooks/intake.ts), applied
// here per conversation in timestamp order. An event waits `reorderMs` after it arrived, so an
// earlier-stamped one that arrives just after it (a retried delivery) still goes first. Each event
// is looked up where it needs it (the agent's name, the queue's size) and handed to the session
// machine; it is marked done only once applied, so a crash in between applies it again. Messages,
// agents joining or leaving and the conversation ending are applied only once the gateway's own
// record agrees (confirm.ts); what it does not confirm is dropped, logged and counted.
import type { Deps } from '../context';
import { own, type Attachment } from '../customer-chat-api';
import { storeFile } from '../files';
import { normalizeEvent, type GatewayEvent } from '../gateway';
import { limitedWarnings, short } from '../ops';
import { nextAttempt, type Handler, type JobResult } from '../outbox';
import { textHash, type Apply } from '../sessions';
import { conversationCounters, type InboxEvent } from '../store';
import { Confirmer, needsConfirmation } from './confirm';

/** Events of a conversation whose handover never learns its id are dropped after this long. */
const UNBOUND_WAIT_MS = 120_000;
/**
 * An agent's message not (yet) in the gateway's message list is looked for again every second for
 * this long (a gateway that lists a message a moment after it calls), then dropped unseen.
 */
const CONFIRM_WAIT_MS = 3000;
const CONFIRM_RETRY_MS = 1000;
/** Metric labels of the events confirm.ts checks (a fixed set: the body is anyone's to write). */
const CHECKED_TYPES = new Set(['MESSAGE', 'TEXT', 'MEMBERS_CHANGED', 'AGENT_JOINED', 'AGENT_LEFT', 'CONVERSATION_UPDATE']);

export function inboxHandlers(deps: Deps, apply: Apply): Record<string, Handler> {
  const { store, config } = deps;
  const warn = limitedWarnings(deps.log);

  /**
   * The agent's display name as the gateway's participants list tells it (the emulator adds one;
   * the vendor schema has none). A name in the webhook body is anyone's to write (README
   * "Security"): it is used only for an agent the list shows, and only when the list has no name.
   */
  async function agentName(confirmer: Confirmer, conversationId: string, agentId: string, given: string | null, known: string | undefined): Promise<string | null> {
    if (known) return known;
    const people = await confirmer.participants(conversationId);
    if (!Array.isArray(people)) return null;
    const participant = people.find((p) => p.id === agentId && p.type === 'agent');
    if (!participant) return null;
    const name = participant.name ?? given?.trim() ?? '';
    return name ? name.slice(0, 100) : null;
  }

  async function applyEvent(confirmer: Confirmer, sessionId: string, event: InboxEvent, normalized: GatewayEvent): Promise<void> {
    const conversationId = event.conversationId;
    if (normalized.type === 'message' && normalized.isEcho && normalized.senderType === 'user') {
      await store.incrCounter(conversationCounters(conversationId), `echo:${textHash(normalized.text)}`, 1, `echo:${event.eventId}`);
      return;
    }
    let name: string | null = null;
    let position: number | null = null;
    const first = await store.getSession(sessionId);
    if (!first) return;
    if (normalized.type === 'member' && normalized.memberType === 'agent' && normalized.change === 'joined') {
      name = await agentName(confirmer, conversationId, normalized.id, normalized.name, own(first.agents, normalized.id)?.name || undefined);
    } else if (normalized.type === 'message' && normalized.senderType === 'agent' && !own(first.agents, normalized.senderId)) {
      name = await agentName(confirmer, conversationId, normalized.senderId, normalized.name, undefined);
    } else if (normalized.type === 'queued') {
      const size = await deps.availability.queueSize(normalized.queueId).catch(() => null);
      position = size === null ? null : Math.max(1, size);
    }
    // An agent's files become the chat's own: fetched from the gateway by id (never from a URL the event names).
    if (normalized.type === 'message' && !normalized.isEcho && normalized.attachments?.length) {
      const files: Attachment[] = [];
      for (const ref of normalized.attachments) {
        const bytes = await deps.gateway.attachmentContent(conversationId, ref.id);
        if (!bytes) continue;
        const file = await storeFile(store, first, { name: ref.name, bytes, uploadedBy: 'agent' });
        files.push({ id: file.id, name: file.name, contentType: file.contentType, size: file.size, url: '' });
      }
      normalized = { ...normalized, files };
    }
    await apply(
      sessionId,
      { type: 'gateway', eventId: event.eventId, conversationId, timestamp: event.timestamp, event: normalized, agentName: name, queuePosition: position },
      first,
    );
  }

  const applyPending: Handler = async (j): Promise<JobResult> => {
    const { conversationId } = j.data as { conversationId: string };
    const pending = await store.inboxPending(conversationId);
    if (pending.length === 0) return { done: true };
    const now = Date.now();
    const window = config.webhook.reorderMs;
    const ripe = pending.filter((e) => e.receivedAt <= now - window);
    const waitUntil = Math.min(...pending.map((e) => e.receivedAt)) + window;
    if (ripe.length === 0) return { retryAt: waitUntil, error: 'waiting for earlier events', keepAttempts: true };
    const sessionId = await store.sessionByConversation(conversationId);
    if (!sessionId) return { done: true };
    const session = await store.getSession(sessionId);
    const h = session?.handover;
    if (session && h && !h.conversationId && session.state === 'handover' && now - j.createdAt < UNBOUND_WAIT_MS) {
      // Bound from a webhook before the create call answered: wait for the handover to take the id.
      return { retryAt: now + 250, error: 'the handover does not know this conversation yet', keepAttempts: true };
    }
    // Everything stamped up to the newest ripe event goes now, in timestamp order (pending is sorted).
    const upTo = Math.max(...ripe.map((e) => e.timestamp));
    const batch = pending.filter((e) => e.timestamp <= upTo);
    const confirmer = new Confirmer(deps);
    for (const event of batch) {
      const normalized = normalizeEvent(event.body);
      if (needsConfirmation(normalized)) {
        const confirmation = await confirmer.confirm(event, normalized);
        if (confirmation.kind !== 'confirmed') {
          // Later events of this conversation wait behind it (order), so the wait is short.
          const waited = now - (event.receivedAt + window);
          const gaveUp = confirmation.kind === 'absent' ? confirmation.final || waited >= CONFIRM_WAIT_MS : waited >= config.outbox.maxAgeS * 1000;
          if (!gaveUp) {
            return confirmation.kind === 'absent'
              ? { retryAt: now + CONFIRM_RETRY_MS, error: 'the gateway does not confirm the event yet', keepAttempts: true }
              : {
                  retryAt: nextAttempt(j.attempts, confirmation.retryAfterMs, { baseMs: 500, capMs: 30_000 }),
                  error: `cannot confirm the event at the gateway: ${confirmation.message}`,
                };
          }
          deps.metrics.webhookEvents.inc({ type: CHECKED_TYPES.has(String(event.body.eventType)) ? String(event.body.eventType) : 'other', result: 'unconfirmed' });
          warn(
            `unconfirmed:${normalized.type}:${confirmation.kind}`,
            {
              conversation: short(conversationId),
              event: normalized.type,
              reason: confirmation.kind === 'absent' ? 'the gateway says otherwise' : 'the gateway could not be asked',
            },
            'a webhook event the gateway does not confirm: not applied',
          );
          await store.inboxDone(conversationId, [event.eventId]);
          continue;
        }
      }
      await applyEvent(confirmer, sessionId, event, normalized);
      await store.inboxDone(conversationId, [event.eventId]);
    }
    const rest = pending.filter((e) => e.timestamp > upTo);
    if (rest.length) return { retryAt: Math.min(...rest.map((e) => e.receivedAt)) + window, error: 'later events wait their turn', keepAttempts: true };
    return { done: true };
  };

  return { 'inbox.apply': applyPending };
}
