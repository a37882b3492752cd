// Webhook events: recorded in the inbox before the gateway gets its 200 (so a retry or a replay of
// the same event id has no second effect), then applied per conversation in timestamp order. An
// event waits `reorderMs` after it arrived, so an earlier-stamped one that arrives just after it
// (a retried delivery) still goes first.
import type { Deps } from '../context';
import { normalizeEvent, type GatewayEvent } from '../gateway';
import type { Handler, JobResult } from '../outbox';
import { short } from '../ops/logger';
import { REFERENCE_KEY, textHash } from '../sessions/payload';
import { relay } from '../sessions/relay';
import type { InboxEvent } from '../store';
import { deliver } from './deliver';
import { job } from './kinds';

/** Events of a conversation whose handover never learns its id are dropped after this long. */
const UNBOUND_WAIT_MS = 120_000;

/**
 * Intake: record the event; true when it is new. A redelivery of an event that is recorded but not
 * done goes on as if it were new: the first delivery may have died (a crash, a store error and a
 * 503) between recording it and queueing its application, and nothing else would queue it.
 * Applying twice is harmless (an applied event is done, and done events are skipped).
 */
export async function recordEvent(deps: Deps, event: InboxEvent): Promise<boolean> {
  const { store } = deps;
  const { fresh, pending, sessionId: known } = await store.inboxAdd(event);
  if (!pending) return false;
  let bound = known;
  if (!bound && event.body.eventType === 'CONVERSATION_UPDATE') {
    // A conversation we do not know yet: if it carries one of our references, a create we are
    // still waiting on (or could not tell happened) made it. Binding it here lets that handover go on.
    const user = (event.body.data as { user?: { additionalProperties?: unknown } } | undefined)?.user;
    const props = Array.isArray(user?.additionalProperties) ? (user.additionalProperties as { key?: unknown; value?: unknown }[]) : [];
    const ref = props.find((p) => p.key === REFERENCE_KEY && typeof p.value === 'string')?.value as string | undefined;
    const sessionId = ref ? await store.sessionByConversation(`ref:${ref}`) : null;
    if (ref && sessionId) {
      await store.claimSetting(`created:${ref}`, event.conversationId);
      await store.bindConversation(event.conversationId, sessionId);
      bound = sessionId;
    }
  }
  // Events of a conversation nobody has bound yet wait; binding it enqueues their application.
  if (bound) {
    await store.enqueue([job.inbox(event.conversationId, event.receivedAt + deps.config.webhook.reorderMs)]);
    deps.wake();
  }
  return fresh;
}

export function inboxHandlers(deps: Deps): Record<string, Handler> {
  const { store, config, log, metrics } = deps;

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
      await store.incrCounter(`conv:${conversationId}`, `echo:${textHash(normalized.text)}`, 1, `echo:${event.eventId}`);
      return;
    }
    let name: string | null = null;
    let position: number | null = null;
    const first = await store.getSession(sessionId);
    if (!first) return;
    if (normalized.type === 'member' && normalized.memberType === 'agent' && normalized.change === 'joined') {
      name = await agentName(conversationId, normalized.id, normalized.name, first.agents[normalized.id]?.name || undefined);
    } else if (normalized.type === 'message' && normalized.senderType === 'agent' && !first.agents[normalized.senderId]) {
      name = await agentName(conversationId, normalized.senderId, normalized.name, undefined);
    } else if (normalized.type === 'queued') {
      const size = await deps.availability.queueSize(normalized.queueId).catch(() => null);
      position = size === null ? null : Math.max(1, size);
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const session = attempt === 0 ? first : await store.getSession(sessionId);
      if (!session) return;
      const result = relay(session, {
        event: normalized,
        conversationId,
        timestamp: event.timestamp,
        agentName: name,
        queuePosition: position,
        afterAgent: config.afterAgent,
      });
      const outputs = deliver(result.session, result.happenings, `ev:${event.eventId}`, { texts: config.texts, botName: config.bot.name, at: event.timestamp });
      if (outputs.jobs.length) await store.enqueue(outputs.jobs);
      if (outputs.entries.length) await store.append(sessionId, outputs.entries);
      if (result.session !== session && !(await store.saveSession(result.session, session.version))) continue;
      if (outputs.jobs.length) deps.wake();
      for (const h of result.happenings) {
        if (h.type === 'returned-to-bot') metrics.handovers.inc({ result: 'completed' });
        if (h.type === 'ended') metrics.handovers.inc({ result: 'ended' });
        if (h.type === 'agent-joined' || h.type === 'agent-left' || h.type === 'returned-to-bot' || h.type === 'ended' || h.type === 'transfer') {
          log.info({ chat: short(sessionId), conversation: conversationId, happened: h.type }, 'handover event');
        }
      }
      return;
    }
    throw new Error(`session ${short(sessionId)}: too many concurrent updates`);
  }

  const apply: Handler = async (j): Promise<JobResult> => {
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

  return { 'inbox.apply': apply };
}
