// Files from the bot: what its messages carry (an inline data: URL, a link to a file it uploaded
// here through the Bot Connector attachments API) is stored as the chat's file and shown as an
// attachment; any other link (https on the internet) is not fetched by the bridge and is shown as
// a picture or a download link (cards/fileCard). The attachments API itself:
// POST /v3/conversations/{id}/attachments (AttachmentData: type, name, originalBase64) → { id },
// GET /v3/attachments/{id}[/views/original], for this chat's bot only (its serviceUrl's token).
import { MAX_FILE_BYTES, type Attachment } from '../../customer-chat-api';
import type { BotFile } from '../../cards';
import { storeFile } from '../../files';
import type { Session } from '../../sessions/types';
import type { Store } from '../../store';

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[^;,]*)*;base64,([a-z0-9+/=\s]*)$/i;
const OWN_ATTACHMENT = /\/v3\/attachments\/([0-9a-f-]{36})\/views\/[\w-]+$/;
/** The largest base64 text a file of MAX_FILE_BYTES takes. */
export const MAX_BASE64 = Math.ceil(MAX_FILE_BYTES / 3) * 4 + 4;

/** Bytes from base64 text, or null when it is not base64 or too large. */
export function base64Bytes(text: unknown): Buffer | null {
  if (typeof text !== 'string' || text.length > MAX_BASE64 || !/^[a-z0-9+/=\s]*$/i.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.length <= MAX_FILE_BYTES ? bytes : null;
}

/** The bot's files: stored ones as attachments (url filled in when read), the rest left for fileCard. */
export async function botFiles(store: Store, session: Session, files: BotFile[]): Promise<{ attachments: Attachment[]; unstored: BotFile[] }> {
  const attachments: Attachment[] = [];
  const unstored: BotFile[] = [];
  for (const file of files.slice(0, 10)) {
    const stored = await storedOf(store, session, file);
    if (stored) attachments.push({ id: stored.id, name: stored.name, contentType: stored.contentType, size: stored.size, url: '' });
    else unstored.push(file);
  }
  unstored.push(...files.slice(10));
  return { attachments, unstored };
}

async function storedOf(store: Store, session: Session, file: BotFile) {
  const data = file.url.length <= MAX_BASE64 + 200 ? DATA_URL.exec(file.url) : null;
  if (data) {
    const bytes = base64Bytes(data[2]);
    return bytes ? storeFile(store, session, { name: file.name, bytes, uploadedBy: 'bot', claimedType: data[1] ?? file.contentType }) : null;
  }
  const own = OWN_ATTACHMENT.exec(file.url.split('?')[0] ?? '');
  if (!own) return null;
  const stored = await store.getFile(own[1]!);
  return stored && stored.sessionId === session.id ? stored : null;
}
