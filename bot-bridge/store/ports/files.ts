// Files in a chat (customer uploads, what a bot sends or uploads through the Bot Connector
// attachments API): the bytes and what they are. Each is kept the retention from when it was
// stored (SQLite: the purge; Redis: a TTL) and no longer, whatever becomes of its chat.

export interface StoredFile {
  id: string;
  sessionId: string;
  /** Made safe (customer-chat-api safeFileName). */
  name: string;
  /** Read from the bytes where the type is one the widget may show; else what the bot said, served as a download. */
  contentType: string;
  size: number;
  uploadedBy: 'customer' | 'bot' | 'agent';
  createdAt: number;
  /** This file's own signing key for its short-lived URLs (never leaves the server). */
  secret: string;
}

export interface FileStore {
  addFile(file: StoredFile, bytes: Buffer): Promise<void>;
  getFile(id: string): Promise<StoredFile | null>;
  fileBytes(id: string): Promise<Buffer | null>;
}
