// Conversations and their activities with watermarks. Every activity gets the next sequence number
// of its conversation and the id `<conversationId>|<seq, 7 digits>`; the watermark a client holds
// is the sequence number of the last stored activity it has seen (opaque to clients: they only send
// it back). Typing is never stored (the reference: "typing — WebSocket only"), so it has an id but
// moves no watermark and is not in GET …/activities. Everything is in memory, bounded and expiring.
import { randomBytes } from 'node:crypto';
import { DirectLineError } from './errors';

export type Activity = Record<string, unknown> & { type: string; id: string };

/** What the stream sends and GET …/activities answers. */
export interface ActivitySet {
  activities: Activity[];
  /** Absent on a set that holds only unstored activities (typing). */
  watermark?: string;
}

export interface User {
  id: string;
  name?: string;
}

interface Stored {
  seq: number;
  activity: Activity;
}

/** Activities in one GET …/activities answer (a client asks again with the new watermark). */
export const PAGE = 100;

export class Conversation {
  readonly created: number;
  lastActive: number;
  /** False between tokens/generate and the POST /conversations that starts it. */
  started = false;
  /** The user bound by the token that opened it, if any. */
  user: User | null = null;
  /** Users the bot has been told about (conversationUpdate membersAdded), by id. */
  readonly members = new Map<string, User>();
  /** Tokens issued before this time are expired (the control API's "expire tokens now"). */
  tokensValidFrom = 0;
  /** Deliveries to the bot, one at a time in order: a conversationUpdate before the first message. */
  botQueue: Promise<unknown> = Promise.resolve();
  /** Files uploaded to or by the bot, removed with the conversation. */
  readonly fileIds: string[] = [];
  fileBytes = 0;

  private seq = 0;
  private readonly log: Stored[] = [];
  private readonly listeners = new Set<(set: ActivitySet) => void>();

  constructor(
    readonly id: string,
    private readonly maxActivities: number,
    now: number,
  ) {
    this.created = now;
    this.lastActive = now;
  }

  /** The watermark after everything stored so far. */
  get watermark(): string {
    return String(this.log.at(-1)?.seq ?? 0);
  }

  /** Gives the activity its id and timestamp, stores it (unless typing) and tells the stream. */
  append(activity: Record<string, unknown> & { type: string }, now: number): Activity {
    const seq = ++this.seq;
    const stored: Activity = { ...activity, id: `${this.id}|${String(seq).padStart(7, '0')}`, timestamp: new Date(now).toISOString() };
    this.lastActive = now;
    const persist = stored.type !== 'typing';
    if (persist) {
      this.log.push({ seq, activity: stored });
      // Bounded: a very long conversation forgets its beginning (a client that far behind resumes at the oldest kept).
      if (this.log.length > this.maxActivities) this.log.splice(0, this.log.length - this.maxActivities);
    }
    const set: ActivitySet = persist ? { activities: [stored], watermark: String(seq) } : { activities: [stored] };
    for (const listener of this.listeners) listener(set);
    return stored;
  }

  /** Stored activities after a watermark, at most `limit`, with the watermark to ask from next. */
  after(watermark: string | undefined, limit = PAGE): Required<ActivitySet> {
    const from = parseWatermark(watermark);
    const start = this.log.findIndex((s) => s.seq > from);
    const page = start < 0 ? [] : this.log.slice(start, start + limit);
    const last = page.at(-1)?.seq;
    return { activities: page.map((s) => s.activity), watermark: String(last ?? from) };
  }

  /**
   * Listens to new activities. Called in the same turn as `after` (no await in between), a stream
   * misses nothing between its backlog and its live activities.
   */
  subscribe(listener: (set: ActivitySet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An id for what the bot receives and clients never see (conversationUpdate): no sequence number. */
  hiddenId(): string {
    return `${this.id}|${randomBytes(6).toString('hex')}`;
  }
}

export function parseWatermark(raw: string | undefined): number {
  if (raw === undefined || raw === '' || raw === 'null' || raw === 'undefined') return 0;
  if (!/^\d{1,15}$/.test(raw)) throw new DirectLineError('BadArgument', 'The watermark is not one this service gave');
  return Number(raw);
}

export interface ConversationStoreOptions {
  maxConversations: number;
  ttlS: number;
  maxActivities: number;
  now?: () => number;
  /** Called when a conversation is forgotten (its files go, its stream closes). */
  onRemove?: (conversation: Conversation) => void;
}

export class ConversationStore {
  private readonly map = new Map<string, Conversation>();
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: ConversationStoreOptions) {
    this.now = options.now ?? Date.now;
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, options.ttlS * 250));
    this.sweeper.unref();
  }

  /** A new conversation (not started yet). */
  create(): Conversation {
    while (this.map.size >= this.options.maxConversations) {
      const oldest = this.map.values().next().value;
      if (!oldest) break;
      this.remove(oldest);
    }
    const id = randomBytes(18).toString('base64url');
    const conversation = new Conversation(id, this.options.maxActivities, this.now());
    this.map.set(id, conversation);
    return conversation;
  }

  /** The conversation, or 404; each use makes it the most recently used. */
  get(id: string): Conversation {
    const conversation = this.map.get(id);
    if (!conversation || this.expired(conversation)) {
      if (conversation) this.remove(conversation);
      throw new DirectLineError('NotFound', 'Conversation not found');
    }
    this.map.delete(id);
    this.map.set(id, conversation);
    return conversation;
  }

  get size(): number {
    return this.map.size;
  }

  all(): IterableIterator<Conversation> {
    return this.map.values();
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private expired(conversation: Conversation): boolean {
    return this.now() - conversation.lastActive > this.options.ttlS * 1000;
  }

  private sweep(): void {
    for (const conversation of [...this.map.values()]) if (this.expired(conversation)) this.remove(conversation);
  }

  private remove(conversation: Conversation): void {
    this.map.delete(conversation.id);
    this.options.onRemove?.(conversation);
  }
}
