// Webhook intake: record the event in the inbox and queue its application (jobs/inbox.ts). Done
// before the gateway gets its 200, so a retry or a replay of the same event id has no second effect.
import type { Deps } from '../../context';
import { job, originOf, REFERENCE_KEY } from '../../sessions';
import type { InboxEvent } from '../../store';

/**
 * `ignored`: the event names a conversation this bridge did not create. It is recorded as done (a
 * redelivery is a duplicate), changes nothing, and the gateway still gets its 200 so it stops.
 */
export type Recorded = 'new' | 'duplicate' | 'ignored';

/**
 * Records the event. A redelivery of an event that is recorded but not done goes on as if it were
 * new: the first delivery may have died (a crash, a store error and a 503) between recording it and
 * queueing its application, and nothing else would queue it. Applying twice is harmless (an applied
 * event is done, and done events are skipped).
 */
export async function recordEvent(deps: Pick<Deps, 'store' | 'config' | 'wake'>, event: InboxEvent): Promise<Recorded> {
  const { store } = deps;
  const { fresh, pending, sessionId: known } = await store.inboxAdd(event);
  const seen: Recorded = fresh ? 'new' : 'duplicate';
  if (!pending) return seen;
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
  if (bound) {
    // The events count as the work of whoever started the chat (the outbox's fairness).
    const session = await store.getSession(bound);
    const origin = session ? originOf(session) : `s:${bound}`;
    await store.enqueue([{ ...job.inbox(event.conversationId, event.receivedAt + deps.config.webhook.reorderMs), origin }]);
    deps.wake();
    return seen;
  }
  // Unbound. While some handover's create has not answered yet, this may be its conversation (the
  // gateway can call before its 202 arrives): the event waits, and binding it queues its
  // application. Otherwise no conversation of ours can be unbound: it is not ours.
  const creating = ((await store.countSessions())['handover'] ?? 0) > 0;
  if (creating) return seen;
  await store.inboxDone(event.conversationId, [event.eventId]);
  return 'ignored';
}
