// The emulator's files, in memory like everything else: what customers, agents and channels
// uploaded to an interaction, and the short-lived signed links a transcript hands out for them.
// Bounded: a few files per interaction and a total size, the oldest files going first when full.
import { randomBytes, randomUUID } from 'node:crypto';
import { signFileUrl, verifyFileUrl } from '../../../bot-bridge/customer-chat-api';
import type { FileRef } from '../core';

export type Uploader = 'customer' | 'agent' | 'user' | 'bot';

export interface StoredFile extends FileRef {
  interactionId: string;
  uploadedBy: Uploader;
  createdAt: number;
  bytes: Buffer;
}

export interface FileStoreLimits {
  /** Files one interaction may hold (every uploader together). */
  perInteraction: number;
  /** Bytes of all files together; beyond it the oldest files are forgotten (their links then 404). */
  totalBytes: number;
}

export const DEFAULT_FILE_LIMITS: FileStoreLimits = { perInteraction: 50, totalBytes: 256 * 1024 * 1024 };

/** Links made within the same step are the same link. */
const LINK_STEP_MS = 60_000;

/** The path every stored file is served on (with `?expires=…&token=…`). */
export const FILE_ROUTE = '/files';

export class FileLimitError extends Error {
  override name = 'FileLimitError';
}

export class FileStore {
  /** In insertion order: the first one is the oldest. */
  private readonly files = new Map<string, StoredFile>();
  private readonly counts = new Map<string, number>();
  private bytes = 0;

  constructor(
    /** Signs the links; made at start, so no link outlives the process. */
    readonly secret = randomBytes(32).toString('base64url'),
    readonly limits: FileStoreLimits = DEFAULT_FILE_LIMITS,
  ) {}

  add(input: { interactionId: string; name: string; contentType: string; bytes: Buffer; uploadedBy: Uploader }): StoredFile {
    if ((this.counts.get(input.interactionId) ?? 0) >= this.limits.perInteraction)
      throw new FileLimitError(`This conversation already holds ${this.limits.perInteraction} files, the most it may have`);
    if (input.bytes.length > this.limits.totalBytes) throw new FileLimitError('The file is larger than the whole file store');
    while (this.bytes + input.bytes.length > this.limits.totalBytes) this.evictOldest();
    const file: StoredFile = {
      id: randomUUID(),
      interactionId: input.interactionId,
      name: input.name,
      contentType: input.contentType,
      size: input.bytes.length,
      uploadedBy: input.uploadedBy,
      createdAt: Date.now(),
      bytes: input.bytes,
    };
    this.files.set(file.id, file);
    this.bytes += file.size;
    this.counts.set(file.interactionId, (this.counts.get(file.interactionId) ?? 0) + 1);
    return file;
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  /** The file if it belongs to this interaction: an id from elsewhere is as good as unknown. */
  of(interactionId: string, id: string): StoredFile | undefined {
    const file = this.files.get(id);
    return file?.interactionId === interactionId ? file : undefined;
  }

  /**
   * A fresh link to the file: FILE_ROUTE/{id}?expires=…&token=… (prefix it with the server's
   * origin where it leaves the page), valid 14 to 15 minutes. The same within a minute, so a
   * client polling every second does not load a picture again with each answer.
   */
  link(id: string, now = Date.now()): string {
    const start = Math.floor(now / LINK_STEP_MS) * LINK_STEP_MS;
    return `${FILE_ROUTE}/${encodeURIComponent(id)}?${signFileUrl(this.secret, id, start)}`;
  }

  verify(id: string, query: { expires?: unknown; token?: unknown }): boolean {
    return verifyFileUrl(this.secret, id, query);
  }

  clear(): void {
    this.files.clear();
    this.counts.clear();
    this.bytes = 0;
  }

  private evictOldest(): void {
    const oldest = this.files.values().next().value;
    if (!oldest) return;
    this.files.delete(oldest.id);
    this.bytes -= oldest.size;
    const left = (this.counts.get(oldest.interactionId) ?? 1) - 1;
    if (left > 0) this.counts.set(oldest.interactionId, left);
    else this.counts.delete(oldest.interactionId);
  }
}

/** What a transcript names of a stored file. */
export const refOf = (file: StoredFile): FileRef => ({ id: file.id, name: file.name, contentType: file.contentType, size: file.size });
