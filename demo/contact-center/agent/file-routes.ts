// POST /agent/api/interactions/{id}/files: an agent sends a file (multipart: one part `file`, an
// optional `text` to go with it) to the customer, in one step. The same rules as a customer's
// upload: the type is read from the bytes (FILE_TYPES: 415 otherwise), 10 MB at most (413).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { MAX_TEXT, sniffFileType } from '../../../bot-bridge/customer-chat-api';
import { DomainError, type ContactCenter } from '../core';
import { FileLimitError, MULTIPART_LIMITS, UploadError, readUpload, refOf, type FileStore } from '../files';

export class AgentApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function agentFileRoutes(app: FastifyInstance, opts: { cc: ContactCenter; files: FileStore }): Promise<void> {
  const { cc, files } = opts;
  await app.register(multipart, { limits: MULTIPART_LIMITS });

  app.post('/api/interactions/:id/files', async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const interaction = cc.get(request.params.id);
    // Checked before the bytes are read: a file nobody could receive is not kept.
    if (interaction.state !== 'active' || !interaction.agent) throw new DomainError('invalid-state', 'No agent is connected to this interaction');
    let upload;
    try {
      upload = await readUpload(request, { fileField: 'file', fields: { text: MAX_TEXT } });
    } catch (error) {
      if (error instanceof UploadError) throw new AgentApiError(error.kind === 'too-large' ? 413 : 400, error.message);
      throw error;
    }
    const contentType = sniffFileType(upload.bytes);
    if (!contentType) throw new AgentApiError(415, 'This kind of file cannot be sent: PNG, JPEG, GIF, WebP, PDF or plain text (UTF-8)');
    let file;
    try {
      file = files.add({ interactionId: interaction.id, name: upload.name, contentType, bytes: upload.bytes, uploadedBy: 'agent' });
    } catch (error) {
      if (error instanceof FileLimitError) throw new AgentApiError(413, error.message);
      throw error;
    }
    const entry = cc.say(interaction.id, 'agent', upload.fields.text?.trim() ? upload.fields.text : '', { attachments: [refOf(file)] });
    return { index: entry.index, file: { ...refOf(file), url: files.link(file.id) } };
  });
}
