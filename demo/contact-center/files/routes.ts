// GET /files/{id}?expires=…&token=…: a stored file through a signed, short-lived link (what
// Customer Chat API entries, the agent console and the Chat Gateway's preSignedUrl hand out).
// No header is needed (an <img> cannot send one): the link is the credential. Served so that it
// can never run as a page of the emulator's origin (fileResponseHeaders: nosniff, a sandbox,
// attachment unless a safe image).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fileResponseHeaders } from '../../../bot-bridge/customer-chat-api';
import { FILE_ROUTE, type FileStore } from './store';

export interface FileRoutesOptions {
  files: FileStore;
}

type FileRequest = FastifyRequest<{ Params: { id: string }; Querystring: { expires?: string; token?: string } }>;

export async function fileRoutes(app: FastifyInstance, opts: FileRoutesOptions): Promise<void> {
  app.get(`${FILE_ROUTE}/:id`, async (request: FileRequest, reply) => {
    // The signature first: a forged or expired link learns nothing, not even whether the file exists.
    if (!opts.files.verify(request.params.id, request.query)) {
      return reply.code(403).send({ error: 'This file link is not valid or has expired: fetch the transcript again for a fresh one' });
    }
    const file = opts.files.get(request.params.id);
    if (!file) return reply.code(404).send({ error: 'The file is no longer kept' });
    // Any origin may read it (the emulator serves every origin; the link is the credential).
    reply.headers({ ...fileResponseHeaders(file), 'access-control-allow-origin': '*' });
    return reply.send(file.bytes);
  });
}
