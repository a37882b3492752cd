// (ext) Files on the bridge's Customer Chat API: a customer's upload (POST /api/v2/chats/{id}/files,
// multipart with one part named `file`, its type read from the bytes: too large is statusCode 8
// (413), another type statusCode 9 (415)), and every stored file through a signed, short-lived link
// (GET /api/v2/files/{id}?expires=…&token=…) that a GetMessages answer hands out afresh. Also what
// the rest of the bridge uses to store a file and to turn stored files into wire attachments.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ChatApiError,
  FILE_TYPES,
  MAX_FILE_BYTES,
  badParameter,
  fileResponseHeaders,
  sniffFileType,
  verifyFileUrl,
  type Attachment,
  type ChatApiServer,
  type ChatIdRequest,
  type ChatExtensions,
  type Entry,
  type UploadResponse,
} from '../../customer-chat-api';
import { attachmentOf, storeFile } from '../../files';
import type { Store } from '../../store';
import type { Session } from '../../sessions/types';

const ACCEPTED = 'PNG, JPEG, GIF, WebP, PDF or plain text (UTF-8)';

/** GetChat's `extensions.files`: what the widget shows before an upload. */
export const FILES_EXTENSION: NonNullable<ChatExtensions['files']> = { maxBytes: MAX_FILE_BYTES, contentTypes: [...FILE_TYPES] };

/** Entries with fresh file links (each GetMessages hands out new ones; an expired file keeps its line, without a link). */
export async function withFileUrls(store: Store, entries: Entry[], publicUrl: string): Promise<Entry[]> {
  if (!entries.some((e) => e.attachments?.length)) return entries;
  return Promise.all(
    entries.map(async (entry) => {
      if (!entry.attachments?.length) return entry;
      const attachments = await Promise.all(
        entry.attachments.map(async (a) => {
          const file = await store.getFile(a.id);
          return file ? attachmentOf(file, publicUrl) : { ...a, url: '' };
        }),
      );
      return { ...entry, attachments };
    }),
  );
}

/** The files a SendMessage names: this chat's own customer uploads, each once. */
export async function customerAttachments(store: Store, session: Session, ids: { id: string }[]): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const { id } of ids) {
    const file = await store.getFile(id);
    if (!file || file.sessionId !== session.id || file.uploadedBy !== 'customer') throw badParameter(`No file ${id} was uploaded to this chat (or it is no longer kept)`);
    if (!out.some((a) => a.id === id)) out.push({ id: file.id, name: file.name, contentType: file.contentType, size: file.size, url: '' });
  }
  return out;
}

type FileRequest = FastifyRequest<{ Params: { id: string }; Querystring: { expires?: string; token?: string } }>;

export async function customerFileRoutes(app: FastifyInstance, server: ChatApiServer<Session>, opts: { store: Store; publicUrl: () => string }): Promise<void> {
  const { store } = opts;
  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 0, parts: 2, fieldNameSize: 100, headerPairs: 100 } });

  app.post('/chats/:id/files', async (request: ChatIdRequest): Promise<UploadResponse> => {
    const session = server.open(await server.chatOf(request));
    if (!request.isMultipart()) throw badParameter('Send multipart/form-data with one file part named "file"');
    let upload: { name: string; bytes: Buffer } | null = null;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file' || part.fieldname !== 'file') throw badParameter('Send one file part named "file" and nothing else');
        upload = { name: part.filename ?? 'file', bytes: await part.toBuffer() };
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw new ChatApiError(8, `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the most this chat takes`);
      if (error instanceof ChatApiError) throw error;
      if (code?.startsWith('FST_')) throw badParameter('Send one file part named "file" and nothing else');
      throw error;
    }
    if (!upload) throw badParameter('No file: send one part named "file"');
    if (upload.bytes.length === 0) throw badParameter('The file is empty');
    if (!sniffFileType(upload.bytes)) throw new ChatApiError(9, `This kind of file is not accepted: send ${ACCEPTED}`);
    const file = await storeFile(store, session, { name: upload.name, bytes: upload.bytes, uploadedBy: 'customer' });
    return { statusCode: 0, file: attachmentOf(file, opts.publicUrl()) };
  });
}

/**
 * GET /api/v2/files/{id}?expires=…&token=… (registered outside the Customer Chat API plugin: an
 * <img> sends no ContactCenterId, the link is the credential).
 */
export async function fileLinks(app: FastifyInstance, opts: { store: Store }): Promise<void> {
  const { store } = opts;
  app.get('/:id', async (request: FileRequest, reply) => {
    const file = /^[0-9a-f-]{36}$/.test(request.params.id) ? await store.getFile(request.params.id) : null;
    // The same answer for a forged link and a missing file: a link learns nothing it was not given.
    if (!file || !verifyFileUrl(file.secret, file.id, request.query)) {
      return reply.code(403).send({ statusCode: 3, statusMessage: 'This file link is not valid or has expired: fetch the messages again for a fresh one' });
    }
    const bytes = await store.fileBytes(file.id);
    if (!bytes) return reply.code(403).send({ statusCode: 3, statusMessage: 'This file is no longer kept' });
    reply.headers({ ...fileResponseHeaders(file), 'access-control-allow-origin': '*' });
    return reply.send(bytes);
  });
}
