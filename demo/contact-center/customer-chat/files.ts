// (ext) POST /api/v2/chats/{id}/files: a customer's file, before the SendMessage that references
// it. Multipart with one part named `file`; the chat must be this contact center's and open; the
// type is read from the bytes (FILE_TYPES), never from the name or the claimed type; too large is
// statusCode 8 (413), another type statusCode 9 (415).
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import * as chatApi from '../../../bot-bridge/customer-chat-api';
import { FileLimitError, MULTIPART_LIMITS, UploadError, readUpload, refOf, type FileStore } from '../files';
import type { CustomerChat } from './chats';
import { attachmentView } from './entries';

export interface CustomerFileOptions {
  files: FileStore;
  /** Where this server is reached from outside: file URLs are absolute (the widget's page is another origin). */
  publicUrl: () => string;
}

const ACCEPTED = 'PNG, JPEG, GIF, WebP, PDF or plain text (UTF-8)';

/** GetChat's `extensions.files`: what the widget shows before an upload. */
export const FILES_EXTENSION: NonNullable<chatApi.ChatExtensions['files']> = { maxBytes: chatApi.MAX_FILE_BYTES, contentTypes: [...chatApi.FILE_TYPES] };

export async function customerFiles(app: FastifyInstance, server: chatApi.ChatApiServer<CustomerChat>, opts: CustomerFileOptions): Promise<void> {
  await app.register(multipart, { limits: MULTIPART_LIMITS });

  app.post('/chats/:id/files', async (request: chatApi.ChatIdRequest): Promise<chatApi.UploadResponse> => {
    const chat = server.open(await server.chatOf(request));
    let upload;
    try {
      upload = await readUpload(request, { fileField: 'file' });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      throw error.kind === 'too-large' ? new chatApi.ChatApiError(8, error.message) : chatApi.badParameter(error.message);
    }
    const contentType = chatApi.sniffFileType(upload.bytes);
    if (!contentType) throw new chatApi.ChatApiError(9, `This kind of file is not accepted: send ${ACCEPTED}`);
    let stored;
    try {
      stored = opts.files.add({ interactionId: chat.interaction.id, name: upload.name, contentType, bytes: upload.bytes, uploadedBy: 'customer' });
    } catch (error) {
      if (error instanceof FileLimitError) throw new chatApi.ChatApiError(8, error.message);
      throw error;
    }
    return { statusCode: 0, file: attachmentView(refOf(stored), opts.files, opts.publicUrl()) };
  });
}
