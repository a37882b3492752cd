// The Chat Gateway's attachments: POST /conversations/{id}/attachments (multipart: `attachment`,
// `authorType`) → { id, filename, sizeInBytes }, then the id goes in a message; GET
// …/attachments/{id}/content with the API key. The vendor documents no type or size limits: the
// emulator takes any type up to the customer limit (10 MB), records the type it reads from the
// bytes (else application/octet-stream) and serves every file as fileResponseHeaders says.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { fileResponseHeaders, sniffFileType } from '../../../bot-bridge/customer-chat-api';
import { FileLimitError, MULTIPART_LIMITS, UploadError, readUpload, type FileStore } from '../files';
import type { Gateway } from './gateway';
import { GatewayProblem, conflict, invalid, notFound } from './problems';

type Req<P> = FastifyRequest<{ Params: P }>;

const tooLarge = (message: string) => new GatewayProblem(413, { message, errors: [{ code: 'payload_too_large', message }] });

export async function attachmentRoutes(app: FastifyInstance, opts: { gateway: Gateway; files: FileStore }): Promise<void> {
  const { gateway, files } = opts;
  await app.register(multipart, { limits: MULTIPART_LIMITS });

  app.post('/conversations/:id/attachments', async (request: Req<{ id: string }>, reply) => {
    const conversation = gateway.conversation(request.params.id);
    if (conversation.state === 'idle') throw conflict(`Conversation ${conversation.id} is idle`);
    let upload;
    try {
      upload = await readUpload(request, { fileField: 'attachment', fields: { authorType: 10 } });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      throw error.kind === 'too-large' ? tooLarge(error.message) : invalid(error.message);
    }
    const authorType = upload.fields.authorType;
    if (authorType !== 'user' && authorType !== 'bot') throw invalid(`Invalid authorType=${String(authorType)}, has to be one of user, bot`);
    let file;
    try {
      file = files.add({
        interactionId: conversation.id,
        name: upload.name,
        contentType: sniffFileType(upload.bytes) ?? 'application/octet-stream',
        bytes: upload.bytes,
        uploadedBy: authorType,
      });
    } catch (error) {
      if (error instanceof FileLimitError) throw tooLarge(error.message);
      throw error;
    }
    reply.type('application/hal+json');
    return { id: file.id, filename: file.name, sizeInBytes: file.size };
  });

  app.get('/conversations/:id/attachments/:attachmentId/content', async (request: Req<{ id: string; attachmentId: string }>, reply) => {
    const conversation = gateway.conversation(request.params.id);
    const file = files.of(conversation.id, request.params.attachmentId);
    if (!file) throw notFound('Attachment', request.params.attachmentId);
    reply.headers(fileResponseHeaders(file));
    return reply.send(file.bytes);
  });
}
