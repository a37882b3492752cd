// Gateway jobs: create the conversation (once per handover), send the customer's messages (once
// each), typing, leaving, and return-to-bot. A send the gateway may or may not have done (no id is
// returned, no idempotency key exists) is reconciled before anything is sent again.
import type { Deps } from '../context';
import type { Outcome } from '../gateway';
import { nextAttempt, type Handler, type JobResult } from '../outbox';
import { short } from '../ops';
import { capHistory, conversationRequest, countUserTexts, historyFromEntries, REFERENCE_KEY, textHash, type Apply, type HandoverFailure, type Session } from '../sessions';
import { conversationCounters, type Job } from '../store';

/** A handover not created after this long fails (the bot then tells the customer). */
export const HANDOVER_TIMEOUT_MS = 60_000;
/** How long a create job waits for its handover's session to be saved before it takes it as not happening. */
const UNSAVED_WAIT_MS = 10_000;

const retryTiming = { baseMs: 500, capMs: 30_000 };

const later = (job: Job, outcome: Extract<Outcome, { kind: 'retry' }>, data?: Record<string, unknown>): JobResult => ({
  retryAt: nextAttempt(job.attempts, outcome.retryAfterMs, retryTiming),
  error: outcome.message,
  ...(data ? { data } : {}),
});

export function gatewayHandlers(deps: Deps, apply: Apply): Record<string, Handler> {
  const { store, gateway, config, log } = deps;
  const grace = config.gateway.reconcileGraceMs;

  // ---- handover ----

  async function failHandover(sessionId: string, seq: number, reason: HandoverFailure, detail: string): Promise<JobResult> {
    await apply(sessionId, { type: 'handover-failed', seq, reason, detail });
    return { done: true };
  }

  /** The conversation exists: remember it (so its webhooks find the session), then tell the machine. */
  async function created(session: Session, seq: number, conversationId: string): Promise<JobResult> {
    await store.bindConversation(conversationId, session.id);
    await store.claimSetting(`created:${session.handover?.ref}`, conversationId);
    await apply(session.id, { type: 'handover-created', seq, conversationId });
    return { done: true };
  }

  /** After an ambiguous create: did the gateway make it? Our reference property says which is ours. */
  async function findCreated(ref: string): Promise<string | null | 'unknown'> {
    const bound = await store.getSetting(`created:${ref}`);
    if (bound) return bound;
    for (let page = 0; page < 5; page++) {
      const outcome = await gateway.listConversations(page, 100);
      if (outcome.kind !== 'ok') return 'unknown';
      const body = outcome.body as {
        _embedded?: { conversations?: { id?: string; user?: { additionalProperties?: { key: string; value: string }[] } }[] };
        page?: { totalPages?: number };
      };
      const list = body._embedded?.conversations ?? [];
      const mine = list.find((c) => c.user?.additionalProperties?.some((p) => p.key === REFERENCE_KEY && p.value === ref));
      if (mine?.id) return mine.id;
      if (page + 1 >= (body.page?.totalPages ?? 0)) break;
    }
    return null;
  }

  const handover: Handler = async (j) => {
    const { sessionId, seq } = j.data as { sessionId: string; seq: number };
    const session = await store.getSession(sessionId);
    // Queued before its session was saved (apply.ts: effects first): wait a moment for the save.
    if (session && session.state !== 'ended' && session.handoverCount < seq && Date.now() - j.createdAt < UNSAVED_WAIT_MS) {
      return { retryAt: Date.now() + 250, error: 'the handover is not saved yet', keepAttempts: true };
    }
    const h = session?.handover;
    if (!session || !h || h.seq !== seq || session.state === 'ended') return { done: true };
    if (h.conversationId) return created(session, seq, h.conversationId);
    if (session.state !== 'handover') return { done: true };
    if (!deps.setup) return { retryAt: Date.now() + 1000, error: 'the gateway channel is not set up yet', keepAttempts: true };

    const sentAt = typeof j.data.sentAt === 'number' ? j.data.sentAt : null;
    if (sentAt !== null) {
      const found = await findCreated(h.ref);
      if (found === 'unknown') return { retryAt: Date.now() + 1000, error: 'cannot list conversations to reconcile the create' };
      if (found) return created(session, seq, found);
      if (Date.now() - sentAt < grace) return { retryAt: sentAt + grace, error: 'waiting to see whether the create happened' };
      // Not there after the grace time: it did not happen; create it now.
    }
    if (Date.now() - h.requestedAt > HANDOVER_TIMEOUT_MS)
      return failHandover(sessionId, seq, 'timeout', `not created within ${HANDOVER_TIMEOUT_MS / 1000} s: ${j.lastError ?? ''}`);

    if (!j.data.checked) {
      const available = await deps.availability.check(h.queueId);
      if (available.unknown) log.warn({ chat: short(sessionId), problem: available.unknown }, 'availability unknown: handing over anyway');
      if (!available.open) return failHandover(sessionId, seq, available.reason!, available.reason!);
    }

    const history = capHistory(h.history ?? historyFromEntries(await store.readEntries(sessionId, 1)));
    const userTexts = countUserTexts(history);
    if (JSON.stringify(userTexts) !== JSON.stringify(h.historyUserTexts)) await apply(sessionId, { type: 'history-counted', seq, counts: userTexts });
    const body = conversationRequest(session, h, deps.setup.channelId, history, h.ref);
    const data = { ...j.data, checked: true, sentAt: Date.now() };
    await store.saveJobData(j, data);
    const outcome = await gateway.createConversation(body);
    if (outcome.kind === 'ok') {
      const id = (outcome.body as { conversationId?: unknown } | undefined)?.conversationId;
      if (typeof id !== 'string' || !id) return { retryAt: Date.now() + 1000, error: 'the gateway answered 202 without a conversationId', data };
      return created(session, seq, id);
    }
    if (outcome.kind === 'rejected') return failHandover(sessionId, seq, 'error', outcome.message);
    return later(j, outcome, outcome.ambiguous ? data : { ...data, sentAt: undefined });
  };

  // ---- messages ----

  /** Was this job's message sent after all? true / false / 'unknown' (cannot tell yet). */
  async function reconcile(j: Job, conversationId: string, body: string, historyUserTexts: Record<string, number>): Promise<boolean | 'unknown'> {
    const key = conversationCounters(conversationId);
    const hash = textHash(body);
    if (await store.counted(key, `sent:${j.id}`)) return true;
    const confirmed = (await store.getCounter(key, `sent:${hash}`)) + (historyUserTexts[hash] ?? 0);
    if ((await store.getCounter(key, `echo:${hash}`)) > confirmed) return true;
    let seen = 0;
    for (let page = 0; page < 20; page++) {
      const outcome = await gateway.listMessages(conversationId, page, 100);
      if (outcome.kind !== 'ok') return 'unknown';
      const list = (outcome.body as { _embedded?: { messages?: { text?: string; author?: { type?: string } }[] }; page?: { totalPages?: number } })?._embedded?.messages ?? [];
      seen += list.filter((m) => m.author?.type === 'user' && m.text === body).length;
      const totalPages = (outcome.body as { page?: { totalPages?: number } })?.page?.totalPages ?? 0;
      if (page + 1 >= totalPages) break;
    }
    return seen > confirmed;
  }

  async function notDelivered(session: Session, text: string, why: string, j: Job): Promise<JobResult> {
    await apply(session.id, { type: 'message-not-delivered', text, why, jobId: j.id });
    return { bury: why };
  }

  /** The gateway ids of the job's files, uploading those not tried yet; a file no longer kept or refused is left out (its name is in the text). */
  async function uploadFiles(j: Parameters<Handler>[0], conversationId: string): Promise<string[] | Awaited<ReturnType<Handler>>> {
    const files = (j.data.files ?? []) as { id: string; name: string }[];
    const ids = [...((Array.isArray(j.data.gatewayFiles) ? j.data.gatewayFiles : []) as string[])];
    let tried = typeof j.data.filesTried === 'number' ? j.data.filesTried : 0;
    for (const ref of files.slice(tried)) {
      const file = await store.getFile(ref.id);
      const bytes = file ? await store.fileBytes(ref.id) : null;
      const outcome = file && bytes ? await gateway.uploadAttachment(conversationId, { name: file.name, contentType: file.contentType, bytes }) : null;
      if (outcome?.kind === 'retry') return later(j, outcome, { ...j.data, gatewayFiles: ids, filesTried: tried });
      const id = outcome?.kind === 'ok' ? (outcome.body as { id?: unknown } | undefined)?.id : undefined;
      if (typeof id === 'string') ids.push(id);
      else
        log.warn({ chat: short(String(j.data.sessionId)), job: j.id, status: outcome?.status ?? null }, 'a customer file did not reach the gateway: the agent reads its name only');
      tried += 1;
      await store.saveJobData(j, { ...j.data, gatewayFiles: ids, filesTried: tried });
    }
    return ids;
  }

  const message: Handler = async (j) => {
    const { sessionId, seq, text } = j.data as { sessionId: string; seq: number; text: string };
    const session = await store.getSession(sessionId);
    if (!session) return { bury: 'the session is gone' };
    const h = session.handover;
    if (!h || h.seq !== seq || !h.conversationId || h.closed) {
      // Looked at again soon at first (a handover is usually created within a second), then less
      // often: under a flood of handovers, hundreds of these polling every 500 ms took the worker's
      // places from every other chat's jobs (the abuse bench's greetings waited minutes).
      if (session.state === 'handover' && h?.seq === seq) {
        const waited = Date.now() - j.createdAt;
        return { retryAt: Date.now() + Math.min(5000, Math.max(500, waited / 4)), error: 'the conversation is not created yet', keepAttempts: true };
      }
      // The handover this message was meant for did not happen or is over: the machine says where it goes.
      const applied = await apply(sessionId, { type: 'agent-turn-missed', text, jobKey: j.key ?? j.id, jobId: j.id }, session);
      return applied?.facts.some((f) => f.type === 'redirected-to-bot') ? { done: true } : { bury: 'the conversation is over' };
    }
    const conversationId = h.conversationId;
    if (typeof j.data.sentAt === 'number') {
      const sent = await reconcile(j, conversationId, text, h.historyUserTexts);
      if (sent === true) {
        await store.incrCounter(conversationCounters(conversationId), `sent:${textHash(text)}`, 1, `sent:${j.id}`);
        log.info({ chat: short(sessionId), job: j.id }, 'ambiguous send reconciled: it had gone through');
        return { done: true };
      }
      if (sent === 'unknown' || Date.now() - j.data.sentAt < grace) {
        return { retryAt: Math.max(Date.now() + 500, j.data.sentAt + grace), error: 'reconciling an ambiguous send', keepAttempts: true };
      }
      log.info({ chat: short(sessionId), job: j.id }, 'ambiguous send reconciled: it had not gone through, sending again');
    }
    if (Date.now() - j.createdAt > config.outbox.maxAgeS * 1000) return notDelivered(session, text, `not sent within ${config.outbox.maxAgeS} s: ${j.lastError ?? ''}`, j);
    // The customer's files go to the gateway first (once: their gateway ids are kept in the job).
    const uploaded = await uploadFiles(j, conversationId);
    if (!Array.isArray(uploaded)) return uploaded;
    const data = { ...j.data, gatewayFiles: uploaded, filesTried: ((j.data.files ?? []) as unknown[]).length, sentAt: Date.now() };
    await store.saveJobData(j, data);
    const outcome = await gateway.sendMessage(conversationId, text, uploaded);
    if (outcome.kind === 'ok') {
      await store.incrCounter(conversationCounters(conversationId), `sent:${textHash(text)}`, 1, `sent:${j.id}`);
      return { done: true };
    }
    if (outcome.kind === 'rejected') return notDelivered(session, text, outcome.message, j);
    const { sentAt: _drop, ...clean } = data;
    return later(j, outcome, outcome.ambiguous ? data : clean);
  };

  // ---- typing, leaving, return-to-bot ----

  const typing: Handler = async (j) => {
    const { sessionId, seq, at } = j.data as { sessionId: string; seq: number; at: number };
    // A typing signal is only worth sending while it is true.
    if (Date.now() - at > 5000) return { done: true };
    const session = await store.getSession(sessionId);
    const h = session?.handover;
    if (!h || h.seq !== seq || !h.conversationId || h.closed) return { done: true };
    const outcome = await gateway.typing(h.conversationId);
    if (outcome.kind === 'retry' && !outcome.ambiguous && j.attempts < 2) return later(j, outcome);
    return { done: true };
  };

  const leave: Handler = async (j) => {
    const { conversationId } = j.data as { conversationId: string };
    const outcome = await gateway.userLeaves(conversationId);
    if (outcome.kind === 'ok' || outcome.kind === 'rejected') {
      if (outcome.kind === 'rejected' && outcome.status !== 404 && outcome.status !== 409)
        log.warn({ conversation: conversationId, error: outcome.message }, 'leaving the conversation was refused');
      return { done: true };
    }
    if (Date.now() - j.createdAt > config.outbox.maxAgeS * 1000) return { bury: `could not leave: ${outcome.message}` };
    return later(j, outcome);
  };

  const postAgent: Handler = async (j) => {
    const { conversationId } = j.data as { conversationId: string };
    if (!deps.setup?.webhookId) return { done: true };
    const outcome = await gateway.postAgentAssignment(conversationId, deps.setup.webhookId, config.postAgent);
    if (outcome.kind === 'ok') return { done: true };
    if (outcome.kind === 'rejected') {
      log.warn({ conversation: conversationId, error: outcome.message }, 'post-agent-assignment refused: the bridge still takes the customer back when the agent leaves');
      return { done: true };
    }
    if (Date.now() - j.createdAt > config.outbox.maxAgeS * 1000) return { bury: outcome.message };
    return later(j, outcome);
  };

  return {
    'gateway.handover': handover,
    'gateway.message': message,
    'gateway.typing': typing,
    'gateway.leave': leave,
    'gateway.post-agent': postAgent,
  };
}
