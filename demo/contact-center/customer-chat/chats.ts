import type { ContactCenter } from '../core/contact-center';
import type { Interaction } from '../core/types';
import { ChatApiError, notFound } from './envelope';

/** What the Customer Chat API keeps per chat beyond the shared interaction. */
interface ChatRecord {
  /** Highest index handed out by a GetMessages without `index` (the server-side cursor). */
  cursor: number;
  /** Last time the client read the chat (ms): a chat nobody reads for too long ends. */
  lastReadAt: number;
  clientMessageIds: Set<string>;
}

export const CAPABILITIES = ['SendMessage', 'SendStartTypingNotification', 'SendStopTypingNotification', 'Complete'];

export class Chats {
  private readonly records = new Map<string, ChatRecord>();

  constructor(private readonly cc: ContactCenter) {}

  add(interaction: Interaction): void {
    this.records.set(interaction.id, { cursor: 0, lastReadAt: Date.now(), clientMessageIds: new Set() });
  }

  /** The chat, if it exists and belongs to this contact center; 404 otherwise (no hint that it exists). */
  find(id: string, contactCenterId: string): { interaction: Interaction; record: ChatRecord } {
    const record = this.records.get(id);
    const interaction = this.cc.interactions.get(id);
    if (!record || !interaction || interaction.contactCenterId !== contactCenterId) throw notFound();
    return { interaction, record };
  }

  open(id: string, contactCenterId: string) {
    const found = this.find(id, contactCenterId);
    if (found.interaction.state === 'ended') {
      throw new ChatApiError(2, 'The chat has ended: no operation is valid any more');
    }
    return found;
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
