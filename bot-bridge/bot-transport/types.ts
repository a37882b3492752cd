// The seam between the outbox's bot.send job and the bot: a transport delivers one queued activity
// and says what became of it; the bot's own activities come back through `Arrived`, the same entry
// point the Bot Connector channel front uses, so both transports produce the same session events.
import type { BotFailure, QueuedActivity, Session } from '../sessions';

/** What became of one delivery: taken, worth trying again later, or failed (the machine tells the customer). */
export type Delivery = { ok: true } | { retryAt: number; error: string } | { failed: BotFailure; detail: string };

/** An activity from the bot arrived: hand it to the session machine (`id` keys what it shows). */
export type Arrived = (session: Session, activity: Record<string, unknown>, id: string) => Promise<unknown>;

/** Why the bot cannot be reached, in words a bot team can act on. */
export interface BotProblem {
  kind: 'secret-refused' | 'bot-refused' | 'unreachable' | 'bot-error';
  /** What happened (no secret, no token). */
  detail: string;
  /** What to do about it. */
  hint: string;
  at: number;
}

export interface BotTransport {
  readonly kind: 'bot-connector' | 'directline';
  /** `job`: the outbox job's key and attempt (1 = first): a later attempt may follow a crash mid-send. */
  deliver(session: Session, activity: QueuedActivity, job: { key: string; attempts: number }): Promise<Delivery>;
  /** A check that sends the bot nothing a customer said: null when the bot (or Direct Line) can be reached. */
  check(): Promise<BotProblem | null>;
  /** Starts what runs in the background (Direct Line: the streams of this replica's chats). */
  start(): void;
  stop(): Promise<void>;
}
