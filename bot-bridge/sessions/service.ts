// What customers and bots do to a session, as the fronts call it: each operation is an event for the
// session machine (machine.ts), carried out by the one writer (apply.ts). What is left here is what
// the fronts need back: the new session, a refusal as an error, or whether a message was new.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Deps } from '../context';
import { SessionWriter, type Applied, type Apply } from './apply';
import { newApiHandover, newWidgetChat, type ApiHandoverInput, type ChatRequest } from './create';
import type { Attachment } from '../customer-chat-api/wire';
import type { BotActivity } from './events';
import type { Session } from './types';

export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly code: 'not-found' | 'ended' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

const TYPING_EVERY_MS = 3000;
const CHAT_ENDED = 'The chat has ended: no operation is valid any more';
const HANDOVER_ENDED = 'This handover has ended';

const refused = (applied: Applied | null) => applied?.facts.some((f) => f.type === 'refused') ?? false;

export class Sessions {
  /** When this replica last told the gateway the customer types, per session. */
  private readonly typingSent = new Map<string, number>();
  private readonly writer: SessionWriter;
  /** Runs one event on one session: what the jobs call with what their I/O found. */
  readonly apply: Apply;

  constructor(private readonly deps: Deps) {
    this.writer = new SessionWriter(deps);
    this.apply = this.writer.apply;
  }

  get(id: string): Promise<Session | null> {
    return this.deps.store.getSession(id);
  }

  // ---- widget chats ----

  async requestChat(input: ChatRequest): Promise<Session> {
    const session = newWidgetChat(input, { id: randomUUID(), botConversationId: randomUUID(), botToken: randomBytes(24).toString('base64url'), now: Date.now() });
    await this.writer.create(session);
    return session;
  }

  /** A customer's message: to the bot, or to the agent once the handover has begun. */
  async customerMessage(
    session: Session,
    body: string,
    clientMessageId: string | null,
    extras: { value?: Record<string, unknown>; attachments?: Attachment[] } = {},
  ): Promise<void> {
    const applied = await this.apply(session.id, { type: 'customer-message', text: body, clientMessageId, ...extras }, session);
    if (!refused(applied)) return;
    // A retry of a message the chat already has is fine; anything new is not.
    if (clientMessageId && (await this.deps.store.findEntry(session.id, `cmid:${clientMessageId}`))) return;
    throw new SessionError('ended', CHAT_ENDED);
  }

  async customerTyping(session: Session, on: boolean): Promise<void> {
    if (refused(await this.typing(session, on))) throw new SessionError('ended', CHAT_ENDED);
  }

  /** The customer ends the chat (Complete, DELETE), or stopped polling (idle timeout). */
  async end(sessionId: string, reason: 'customer' | 'timeout'): Promise<boolean> {
    return (await this.apply(sessionId, { type: 'customer-left', reason }))?.changed ?? false;
  }

  // ---- the bot ----

  /** 'empty': a message with nothing to show (a 400 for the bot); 'handover': a message refused once the handover has begun (a 409). */
  async botActivity(session: Session, activity: BotActivity): Promise<'ok' | 'empty' | 'handover'> {
    const applied = await this.apply(session.id, { type: 'bot-activity', activity }, session);
    const refusal = applied?.facts.find((f) => f.type === 'refused');
    return refusal?.type === 'refused' && (refusal.reason === 'empty' || refusal.reason === 'handover') ? refusal.reason : 'ok';
  }

  // ---- the generic handover API ----

  /** The handover for `input.id`: made now, or the one made earlier under that id. */
  async createApiHandover(input: ApiHandoverInput): Promise<Session> {
    const session = newApiHandover(input, { ref: randomUUID(), now: Date.now(), defaultQueueId: this.deps.config.gateway.queueId, skillQueues: this.deps.config.skillQueues });
    if (await this.writer.create(session)) return session;
    return (await this.deps.store.getSession(input.id)) ?? session;
  }

  /** The generic API's customer message; the same clientMessageId twice sends once. */
  async apiMessage(session: Session, body: string, clientMessageId: string): Promise<'accepted' | 'duplicate'> {
    const applied = await this.apply(session.id, { type: 'customer-message', text: body, clientMessageId }, session);
    if (refused(applied)) throw new SessionError('ended', HANDOVER_ENDED);
    return applied?.enqueued ? 'accepted' : 'duplicate';
  }

  async apiTyping(session: Session): Promise<void> {
    if (refused(await this.typing(session, true))) throw new SessionError('ended', HANDOVER_ENDED);
  }

  /**
   * The gateway hears of customer typing at most every 3 s per chat from this replica. The slot is
   * taken before the await (two notifications at once send one) and given back if nothing was sent.
   */
  private async typing(session: Session, on: boolean): Promise<Applied | null> {
    const now = Date.now();
    const last = this.typingSent.get(session.id);
    const recentlySent = last !== undefined && now - last < TYPING_EVERY_MS;
    const claimed = on && !recentlySent;
    if (claimed) this.typingSent.set(session.id, now);
    const applied = await this.apply(session.id, { type: 'customer-typing', on, recentlySent }, session);
    if (claimed && !applied?.facts.some((f) => f.type === 'typing-sent')) {
      if (last === undefined) this.typingSent.delete(session.id);
      else this.typingSent.set(session.id, last);
    }
    if (this.typingSent.size > 10_000) {
      for (const [id, at] of this.typingSent) if (now - at > TYPING_EVERY_MS) this.typingSent.delete(id);
    }
    return applied;
  }
}
