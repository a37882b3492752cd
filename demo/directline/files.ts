// Files: what clients upload and what the bot stores through the attachments API, in memory. Each
// file belongs to a conversation and goes with it; sizes are capped per file, per conversation and
// in all, so a client cannot fill the service's memory. Ids are random (128 bits): the view URL is
// the only credential a bot needs to fetch a file, as the real service's contentUrls are.
import { randomBytes } from 'node:crypto';
import type { Conversation } from './conversations';
import { DirectLineError } from './errors';

export interface StoredFile {
  id: string;
  conversationId: string;
  name: string;
  type: string;
  bytes: Buffer;
}

export interface FileLimits {
  /** One file. */
  maxBytes: number;
  /** All files of one conversation. */
  maxPerConversation: number;
  /** All files of the service. */
  maxTotal: number;
}

const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private total = 0;

  constructor(readonly limits: FileLimits) {}

  put(conversation: Conversation, file: { name?: string | undefined; type?: string | undefined; bytes: Buffer }): StoredFile {
    const size = file.bytes.length;
    if (size > this.limits.maxBytes) throw new DirectLineError('MessageSizeTooBig', `A file may hold at most ${this.limits.maxBytes} bytes`);
    if (conversation.fileBytes + size > this.limits.maxPerConversation || this.total + size > this.limits.maxTotal) {
      throw new DirectLineError('MessageSizeTooBig', 'No room for more files in this conversation');
    }
    const type = file.type && CONTENT_TYPE.test(file.type) ? file.type.toLowerCase() : 'application/octet-stream';
    const name = (file.name ?? '').replace(/[\u0000-\u001f\u007f/\\]/g, '').slice(0, 200) || 'file';
    const stored: StoredFile = { id: randomBytes(16).toString('base64url'), conversationId: conversation.id, name, type, bytes: file.bytes };
    this.files.set(stored.id, stored);
    conversation.fileIds.push(stored.id);
    conversation.fileBytes += size;
    this.total += size;
    return stored;
  }

  get(id: string): StoredFile {
    const file = this.files.get(id);
    if (!file) throw new DirectLineError('NotFound', 'Attachment not found');
    return file;
  }

  /** The conversation is forgotten: so are its files. */
  removeFor(conversation: Conversation): void {
    for (const id of conversation.fileIds) {
      const file = this.files.get(id);
      if (!file) continue;
      this.total -= file.bytes.length;
      this.files.delete(id);
    }
    conversation.fileIds.length = 0;
    conversation.fileBytes = 0;
  }
}

/** Images a browser may show inline; anything else is served as a download. */
export const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
