// What customers and bots do to a session, as the fronts call it. Each operation enqueues its jobs
// before it records what the customer sees: after a crash in between, a message may be missing
// from the transcript (and the widget, not seeing it, sends it again under the same
// clientMessageId, which the job key swallows) but is never recorded and left unsent.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../context';
import { activity, job } from '../jobs/kinds';
import type { NewEntry, NewJob } from '../store';
import { short } from '../ops/logger';
import { botOf, customerOf, joined, left, notice, text as textEntry } from './entries';
import { flattenContext, userFromChat } from './payload';
import { newHandover } from './relay';
import { newSession, type GatewayUser, type HistoryMessage, type Primitive, type Session } from './types';

export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly code: 'not-found' | 'ended' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface HandoverRequest {
  context: unknown;
  history: HistoryMessage[] | null;
  queueId?: string | null;
}

const TYPING_EVERY_MS = 3000;

export class Sessions {
  /** When this replica last told the gateway the customer types, per session. */
  private readonly typingSent = new Map<string, number>();

  constructor(private readonly deps: Deps) {}

  get(id: string): Promise<Session | null> {
    return this.deps.store.getSession(id);
  }

  /**
   * Compare-and-set update: `change` gets a copy of the latest session and returns it changed, or
   * null for "nothing to do". Retries when another replica wrote in between.
   */
  async update(id: string, change: (s: Session) => Session | null): Promise<{ before: Session; after: Session; changed: boolean } | null> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = await this.deps.store.getSession(id);
      if (!before) return null;
      const after = change(structuredClone(before));
      if (!after) return { before, after: before, changed: false };
      if (await this.deps.store.saveSession(after, before.version)) return { before, after, changed: true };
    }
    throw new Error(`session ${short(id)}: too many concurrent updates`);
  }

  private async commit(sessionId: string, jobs: NewJob[], entries: NewEntry[]): Promise<void> {
    if (jobs.length) await this.deps.store.enqueue(jobs);
    if (entries.length) await this.deps.store.append(sessionId, entries);
    if (jobs.length) this.deps.wake();
  }

  // ---- widget chats ----

  async requestChat(input: { contactCenterId: string; nickname: string; subject: string | null; queueId: string; userData: Record<string, Primitive> }): Promise<Session> {
    const session = newSession({
      id: randomUUID(),
      kind: 'widget',
      contactCenterId: input.contactCenterId,
      state: 'bot',
      nickname: input.nickname,
      subject: input.subject,
      userData: input.userData,
      user: userFromChat(input.nickname, input.userData),
      queueId: input.queueId,
      botConversationId: randomUUID(),
    });
    await this.deps.store.createSession(session);
    await this.deps.store.bindConversation(`bot:${session.botConversationId}`, session.id);
    await this.commit(
      session.id,
      [job.bot(session.id, activity.hello(randomUUID()), `hello:${session.id}`)],
      [joined(customerOf(session), 'joined'), joined(botOf(this.deps.config.bot.name), 'bot-joined')],
    );
    this.deps.log.info({ chat: short(session.id), queue: session.queueId }, 'chat requested');
    return session;
  }

  /** A customer's message: to the bot, or to the agent once the handover has begun. */
  async customerMessage(session: Session, body: string, clientMessageId: string | null): Promise<void> {
    const key = clientMessageId ? `cmid:${clientMessageId}` : `msg:${randomUUID()}`;
    const jobKey = `${session.id}:${key}`;
    if (session.state === 'ended') {
      // A retry of a message the chat already has is fine; anything new is not.
      if (clientMessageId && (await this.deps.store.findEntry(session.id, key))) return;
      throw new SessionError('ended', 'The chat has ended: no operation is valid any more');
    }
    // To the bot while it holds the chat, else to the agent (from the moment the handover begins).
    const next =
      session.state === 'bot' ? job.bot(session.id, activity.message(body, clientMessageId ?? randomUUID()), jobKey) : job.message(session.id, session.handover!.seq, body, jobKey);
    await this.commit(session.id, [next], [textEntry(customerOf(session), body, { key })]);
  }

  async customerTyping(session: Session, on: boolean): Promise<void> {
    if (session.state === 'ended') throw new SessionError('ended', 'The chat has ended: no operation is valid any more');
    // The gateway has no "stopped typing" (the indicator lapses), and a bot does not care.
    if (!on || !(session.state === 'queued' || session.state === 'agent')) return;
    const now = Date.now();
    if (now - (this.typingSent.get(session.id) ?? 0) < TYPING_EVERY_MS) return;
    this.typingSent.set(session.id, now);
    if (this.typingSent.size > 10_000) {
      for (const [id, at] of this.typingSent) if (now - at > TYPING_EVERY_MS) this.typingSent.delete(id);
    }
    await this.commit(session.id, [job.typing(session.id, session.handover!.seq)], []);
  }

  /** The customer ends the chat (Complete), or stopped polling (idle timeout). */
  async end(sessionId: string, reason: 'customer' | 'timeout'): Promise<boolean> {
    const result = await this.update(sessionId, (s) => {
      if (s.state === 'ended') return null;
      s.state = 'ended';
      s.endedReason = reason;
      if (s.handover) s.handover.closed = true;
      return s;
    });
    if (!result?.changed) return false;
    const { before } = result;
    const jobs: NewJob[] = [];
    const h = before.handover;
    if (h?.conversationId && !h.closed) jobs.push(job.leave(before.id, h.conversationId));
    if (before.kind === 'widget') jobs.push(job.bot(before.id, activity.end(randomUUID(), reason), `end:${before.id}`));
    const entries: NewEntry[] = [];
    if (reason === 'timeout') entries.push(notice(this.deps.config.texts.idleTimeout, 'idle-timeout', { key: 'idle-timeout' }));
    entries.push(left(customerOf(before), 'customer-left'));
    await this.commit(before.id, jobs, before.kind === 'widget' ? entries : []);
    if (before.kind === 'api') await this.callback(before, 'handover.ended', { reason: 'deleted' }, `deleted:${before.id}`);
    this.deps.log.info({ chat: short(before.id), reason, from: before.state }, 'chat ended');
    return true;
  }

  // ---- the bot ----

  /**
   * handoff.initiate (or the generic API, or a bot that cannot be reached): start a handover once.
   * A second request while one runs is ignored; after the agent, a new handover starts a new
   * conversation (the previous one is closed first).
   */
  async initiateHandover(sessionId: string, request: HandoverRequest): Promise<'started' | 'ignored' | 'not-found'> {
    let seq = 0;
    let ref = '';
    let previous: string | null = null;
    const result = await this.update(sessionId, (s) => {
      if (s.state !== 'bot') return null;
      const old = s.handover;
      previous = old?.conversationId && !old.closed ? old.conversationId : null;
      seq = s.handoverCount + 1;
      ref = randomUUID();
      const context = flattenContext(request.context);
      const queueId = request.queueId || pickQueue(request.context) || s.queueId;
      s.handoverCount = seq;
      s.handover = newHandover(seq, ref, queueId, context, request.history);
      s.state = 'handover';
      return s;
    });
    if (!result) return 'not-found';
    if (!result.changed) return 'ignored';
    await this.deps.store.bindConversation(`ref:${ref}`, sessionId);
    const jobs: NewJob[] = [];
    if (previous) jobs.push(job.leave(sessionId, previous));
    jobs.push(job.handover(sessionId, seq));
    await this.commit(sessionId, jobs, []);
    this.deps.metrics.handovers.inc({ result: 'requested' });
    this.deps.log.info({ chat: short(sessionId), seq, queue: result.after.handover!.queueId }, 'handover requested');
    return 'started';
  }

  // ---- the generic handover API ----

  async createApiHandover(input: {
    id: string;
    user: GatewayUser;
    userData: Record<string, Primitive>;
    context: unknown;
    history: HistoryMessage[];
    queueId: string | null;
    callbackUrl: string;
  }): Promise<Session> {
    const seq = 1;
    const ref = randomUUID();
    const queueId = input.queueId || pickQueue(input.context) || this.deps.config.gateway.queueId;
    const session = newSession({
      id: input.id,
      kind: 'api',
      contactCenterId: null,
      state: 'handover',
      nickname: input.user.name ?? '',
      subject: null,
      userData: input.userData,
      user: input.user,
      queueId,
      botConversationId: null,
      callbackUrl: input.callbackUrl,
      handover: newHandover(seq, ref, queueId, flattenContext(input.context), input.history),
      handoverCount: seq,
    });
    if (!(await this.deps.store.createSession(session))) return (await this.deps.store.getSession(input.id))!;
    await this.deps.store.bindConversation(`ref:${ref}`, session.id);
    await this.commit(session.id, [job.handover(session.id, seq)], []);
    this.deps.metrics.handovers.inc({ result: 'requested' });
    this.deps.log.info({ handover: short(session.id), queue: queueId }, 'handover requested through the API');
    return session;
  }

  /** The generic API's customer message; the same clientMessageId twice sends once. */
  async apiMessage(session: Session, body: string, clientMessageId: string): Promise<'accepted' | 'duplicate'> {
    if (session.state === 'ended') throw new SessionError('ended', 'This handover has ended');
    const added = await this.deps.store.enqueue([job.message(session.id, session.handover!.seq, body, `${session.id}:cmid:${clientMessageId}`)]);
    if (added) this.deps.wake();
    return added ? 'accepted' : 'duplicate';
  }

  async apiTyping(session: Session): Promise<void> {
    if (session.state === 'ended') throw new SessionError('ended', 'This handover has ended');
    await this.customerTyping(session, true);
  }

  async callback(session: Session, type: string, data: Record<string, unknown>, id: string): Promise<void> {
    await this.commit(session.id, [job.callback(session.id, { id, type, handoverId: session.id, timestamp: Date.now(), data })], []);
  }
}

/** A bot may name the queue in its handoff context: { queue: "billing" } or { queueId: "billing" }. */
function pickQueue(context: unknown): string | null {
  if (typeof context !== 'object' || context === null) return null;
  const c = context as Record<string, unknown>;
  const queue = c.queueId ?? c.queue;
  return typeof queue === 'string' && /^[\w.-]{1,100}$/.test(queue) ? queue : null;
}
