// Webhook events, recorded in the inbox by the webhook front (fronts/webhooks/intake.ts), applied
// here per conversation in timestamp order. An event waits `reorderMs` after it arrived, so an
// earlier-stamped one that arrives just after it (a retried delivery) still goes first. Each event
// is looked up where it needs it (the agent's name, the queue's size) and handed to the session
// machine; it is marked done only once applied, so a crash in between applies it again.
import type { Deps } from '../context';
import { own } from '../customer-chat-api';
import { normalizeEvent, type GatewayEvent } from '../gateway';
import type { Handler, JobResult } from '../outbox';
import { textHash, type Apply } from '../sessions';
import { conversationCounters, type InboxEvent } from '../store';

/** Events of a conversation whose handover never learns its id are dropped after this long. */
const UNBOUND_WAIT_MS = 120_000;

export function inboxHandlers(deps: Deps, apply: Apply): Record<string, Handler> {
  const { store, config } = deps;

  async function agentName(conversationId: string, agentId: string, given: string | null, known: string | undefined): Promise<string | null> {
    if (given) return given;
    if (known) return known;
    // The vendor's participants have no name; the emulator adds one. Ask once, cope without.
    const outcome = await deps.gateway.participants(conversationId, 3000);
    if (outcome.kind !== 'ok') return null;
    const list = (outcome.body as { _embedded?: { participants?: { id?: string; type?: string; name?: unknown }[] } })?._embedded?.participants ?? [];
    const name = list.find((p) => p.id === agentId && p.type === 'agent')?.name;
    return typeof name === 'string' && name.trim() ? name.trim().slice(0, 100) : null;
  }

  async function applyEvent(sessionId: string, event: InboxEvent, normalized: GatewayEvent): Promise<void> {
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
      name = await agentName(conversationId, normalized.id, normalized.name, own(first.agents, normalized.id)?.name || undefined);
    } else if (normalized.type === 'message' && normalized.senderType === 'agent' && !own(first.agents, normalized.senderId)) {
      name = await agentName(conversationId, normalized.senderId, normalized.name, undefined);
    } else if (normalized.type === 'queued') {
      const size = await deps.availability.queueSize(normalized.queueId).catch(() => null);
      position = size === null ? null : Math.max(1, size);
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
    for (const event of batch) {
      const normalized = normalizeEvent(event.body);
      await applyEvent(sessionId, event, normalized);
      await store.inboxDone(conversationId, [event.eventId]);
    }
    const rest = pending.filter((e) => e.timestamp > upTo);
    if (rest.length) return { retryAt: Math.min(...rest.map((e) => e.receivedAt)) + window, error: 'later events wait their turn', keepAttempts: true };
    return { done: true };
  };

  return { 'inbox.apply': applyPending };
}
