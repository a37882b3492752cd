// Files the bridge keeps (the store's FileStore port): storing bytes as a chat's file, with its
// type read from the bytes, and a stored file as the Customer Chat API shows it, with a fresh
// signed, short-lived link (served by fronts/customer-chat/files.ts). The customer's files reach
// the bot through the same links (jobs/bot.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { safeFileName, signFileUrl, sniffFileType, type Attachment } from '../customer-chat-api';
import type { Session } from '../sessions/types';
import type { Store, StoredFile } from '../store';

/** Where stored files are served (under the public URL). */
export const FILES_PATH = '/api/v2/files';

/** Stores bytes as a file of the session; the type is read from the bytes (a bot's unknown type is kept, and only ever downloaded). */
export async function storeFile(
  store: Store,
  session: Pick<Session, 'id'>,
  input: { name: string; bytes: Buffer; uploadedBy: StoredFile['uploadedBy']; claimedType?: string | undefined },
): Promise<StoredFile> {
  const sniffed = sniffFileType(input.bytes);
  const file: StoredFile = {
    id: randomUUID(),
    sessionId: session.id,
    name: safeFileName(input.name, 'file'),
    contentType:
      sniffed ??
      (input.claimedType && /^[\w.+-]+\/[\w.+-]+$/.test(input.claimedType) && !/html|svg|xml|javascript/i.test(input.claimedType) ? input.claimedType : 'application/octet-stream'),
    size: input.bytes.length,
    uploadedBy: input.uploadedBy,
    createdAt: Date.now(),
    secret: randomBytes(24).toString('base64url'),
  };
  await store.addFile(file, input.bytes);
  return file;
}

/** A stored file as the wire shows it, with a fresh link (absolute: the widget's page is another origin). */
export function attachmentOf(file: StoredFile, publicUrl: string): Attachment {
  return { id: file.id, name: file.name, contentType: file.contentType, size: file.size, url: `${publicUrl}${FILES_PATH}/${file.id}?${signFileUrl(file.secret, file.id)}` };
}
