// What the Customer Chat API keeps per chat beyond the shared interaction: the server-side cursor,
// when the client last read, and the clientMessageIds already recorded.
import type { ContactCenter, Interaction } from '../core';

export interface ChatRecord {
  /** Highest index handed out by a GetMessages without `index` (the server-side cursor). */
  cursor: number;
  /** Last time the client read the chat (ms): a chat nobody reads for too long ends. */
  lastReadAt: number;
  clientMessageIds: Set<string>;
}

export interface CustomerChat {
  interaction: Interaction;
  record: ChatRecord;
}

export class Chats {
  private readonly records = new Map<string, ChatRecord>();

  constructor(private readonly cc: ContactCenter) {}

  add(interaction: Interaction): void {
    this.records.set(interaction.id, { cursor: 0, lastReadAt: Date.now(), clientMessageIds: new Set() });
  }

  /** The chat with this id, whichever contact center it belongs to (the API's rules decide who sees it). */
  get(id: string): CustomerChat | undefined {
    const record = this.records.get(id);
    const interaction = this.cc.interactions.get(id);
    return record && interaction ? { interaction, record } : undefined;
  }

  /** Ends chats whose client has stopped reading them, as a real contact center does. */
  expire(idleMs: number, now = Date.now()): string[] {
    const expired: string[] = [];
    for (const [id, record] of this.records) {
      const interaction = this.cc.interactions.get(id);
      if (!interaction) {
        this.records.delete(id);
        continue;
      }
      if (interaction.state !== 'ended' && now - record.lastReadAt > idleMs) {
        this.cc.customerLeave(id, 'timeout');
        expired.push(id);
      }
    }
    return expired;
  }

  clear(): void {
    this.records.clear();
  }
}
