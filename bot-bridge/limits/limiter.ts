// The Customer Chat API's limits, asked by the front before it acts: token buckets per client
// address and per contact center for chat creation (and offline messages), messages and typing; a
// bucket per chat for its messages; a cap on the chats one address has open. Each answer is "go
// on" or a refusal naming the limit and when to come back. The address is checked before the
// contact center, so one address spends its own budget long before it can empty everyone's.
// A crowd of addresses can still empty the contact center's bucket: a share of it is kept for
// quiet addresses (those that have used less than half their own bucket lately), so a customer
// who comes during a flood is not refused for as long as the flood lasts.
import { split, type Rate } from './rate';
import type { LimitStore } from './store';

export const LIMIT_NAMES = [
  'chats-per-address',
  'chats-per-contact-center',
  'open-chats-per-address',
  'messages-per-address',
  'messages-per-contact-center',
  'messages-per-chat',
  'typing-per-address',
  'typing-per-contact-center',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface Refusal {
  limit: LimitName;
  retryAfterMs: number;
}

/** null = that limit is off. */
export interface LimitRules {
  chatsPerAddress: Rate | null;
  chatsPerContactCenter: Rate | null;
  messagesPerAddress: Rate | null;
  messagesPerContactCenter: Rate | null;
  messagesPerChat: Rate | null;
  typingPerAddress: Rate | null;
  typingPerContactCenter: Rate | null;
  openChatsPerAddress: number | null;
  /**
   * The share (0–1) of each per-contact-center bucket only quiet addresses may use, once the rest
   * is spent: an address is quiet while its own bucket for the same thing is at least half full.
   * 0 = one bucket for all.
   */
  contactCenterReservedShare: number;
}

export interface LimiterOptions {
  store: LimitStore;
  rules: LimitRules;
  /** Whether a chat counted as open is still open (the cap looks only when it is reached). */
  isOpen(chatId: string): Promise<boolean>;
  /** How long a chat counts as open at most, even if nothing says it ended. */
  openTtlMs: number;
  /** A limit that cannot be checked (the store is away) lets the request through: called then. */
  onError(error: unknown): void;
}

/** How long a client at the open-chats cap is told to wait: ending a chat frees a place at once. */
const OPEN_CAP_RETRY_MS = 30_000;

export class Limiter {
  constructor(private readonly opts: LimiterOptions) {}

  /** RequestChat (and an offline message, which also makes something that is kept). */
  async chat(address: string, contactCenterId: string, opts: { open?: boolean } = {}): Promise<Refusal | null> {
    const { rules } = this.opts;
    return this.guard(async () => {
      if (opts.open !== false && rules.openChatsPerAddress !== null) {
        const refusal = await this.openCap(address, rules.openChatsPerAddress);
        if (refusal) return refusal;
      }
      return this.buckets(
        [
          ['chats-per-address', `a:${address}:chats`, rules.chatsPerAddress],
          ['chats-per-contact-center', `cc:${contactCenterId}:chats`, rules.chatsPerContactCenter],
        ],
        rules.chatsPerAddress,
      );
    });
  }

  /** A chat this address made: it counts against the open-chats cap until it ends. */
  async opened(address: string, chatId: string): Promise<void> {
    if (this.opts.rules.openChatsPerAddress === null) return;
    await this.guard(async () => {
      await this.opts.store.add(`a:${address}:open`, chatId, this.opts.openTtlMs);
      return null;
    });
  }

  async message(address: string, contactCenterId: string, chatId: string): Promise<Refusal | null> {
    const { rules } = this.opts;
    return this.guard(() =>
      this.buckets(
        [
          ['messages-per-chat', `chat:${chatId}:messages`, rules.messagesPerChat],
          ['messages-per-address', `a:${address}:messages`, rules.messagesPerAddress],
          ['messages-per-contact-center', `cc:${contactCenterId}:messages`, rules.messagesPerContactCenter],
        ],
        rules.messagesPerAddress,
      ),
    );
  }

  async typing(address: string, contactCenterId: string): Promise<Refusal | null> {
    const { rules } = this.opts;
    return this.guard(() =>
      this.buckets(
        [
          ['typing-per-address', `a:${address}:typing`, rules.typingPerAddress],
          ['typing-per-contact-center', `cc:${contactCenterId}:typing`, rules.typingPerContactCenter],
        ],
        rules.typingPerAddress,
      ),
    );
  }

  close(): Promise<void> {
    return this.opts.store.close();
  }

  /**
   * In order; the first refusal stops (later buckets are not charged for a refused request). The
   * contact center's bucket (`cc:` keys) is split: the shared part first, then, for a quiet address
   * (its bucket `addressRate` at least half full after this take), the reserved part.
   */
  private async buckets(checks: [LimitName, string, Rate | null][], addressRate: Rate | null): Promise<Refusal | null> {
    const share = this.opts.rules.contactCenterReservedShare;
    let quiet = false;
    for (const [limit, key, rate] of checks) {
      if (!rate) continue;
      const parts = key.startsWith('cc:') && share > 0 && addressRate !== null ? split(rate, share) : null;
      const verdict = await this.opts.store.take(key, parts ? parts.rest : rate);
      if (verdict.ok) {
        if (key.startsWith('a:') && rate === addressRate) quiet = verdict.left >= addressRate.burst / 2;
        continue;
      }
      if (parts && quiet) {
        const spare = await this.opts.store.take(`${key}:reserved`, parts.reserved);
        if (spare.ok) continue;
        return { limit, retryAfterMs: Math.min(verdict.retryAfterMs, spare.retryAfterMs) };
      }
      return { limit, retryAfterMs: verdict.retryAfterMs };
    }
    return null;
  }

  private async openCap(address: string, cap: number): Promise<Refusal | null> {
    const key = `a:${address}:open`;
    const members = await this.opts.store.members(key);
    if (members.length < cap) return null;
    // At the cap: forget the chats that have ended since (there are at most `cap` to look at).
    const open = await Promise.all(members.map((id) => this.opts.isOpen(id)));
    const ended = members.filter((_, i) => !open[i]);
    await this.opts.store.remove(key, ended);
    return members.length - ended.length < cap ? null : { limit: 'open-chats-per-address', retryAfterMs: OPEN_CAP_RETRY_MS };
  }

  private async guard(check: () => Promise<Refusal | null>): Promise<Refusal | null> {
    try {
      return await check();
    } catch (error) {
      this.opts.onError(error);
      return null;
    }
  }
}
