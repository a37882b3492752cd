// Everything a Customer Chat API server does around its routes, in one call at the top of its
// Fastify plugin: JSON sent as text/plain, CORS and the preflight, the ContactCenterId and
// no-Authorization rules, and one error handler that answers in the envelope and hides internals.
// A plain function, not a registered plugin: the hooks must apply to the caller's own routes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { contactCenterRules, type ContactCenterRulesOptions } from './contact-center';
import { corsPolicy, PREFLIGHT_HEADERS } from './cors';
import { badParameter, ChatApiError, envelopeOf, forbidden } from './envelope';

export interface ServeOptions<Chat> extends ContactCenterRulesOptions<Chat> {
  /** The origins browsers may call from; '*' among them: any. */
  allowedOrigins: readonly string[];
  /** The server's own failures (its domain errors) in the envelope; undefined for any other. */
  translate?: (error: Error) => ChatApiError | undefined;
  /** What an internal failure answers (the failure itself is logged, never sent). */
  internalError?: () => ChatApiError;
}

export type ChatIdRequest = FastifyRequest<{ Params: { id: string } }>;

export interface ChatApiServer<Chat> {
  /** The contact center this request is for (checked by the onRequest hook). */
  contactCenterOf(request: FastifyRequest): string;
  /** The chat of `/…/:id` if this contact center may see it; 404 statusCode 6 otherwise. */
  chatOf(request: ChatIdRequest): Promise<Chat>;
  /** The chat, if it has not ended; 400 statusCode 2 otherwise. */
  open(chat: Chat): Chat;
}

export function serveCustomerChatApi<Chat>(app: FastifyInstance, options: ServeOptions<Chat>): ChatApiServer<Chat> {
  const rules = contactCenterRules(options);
  const cors = corsPolicy(options.allowedOrigins);
  const internalError = options.internalError ?? (() => new ChatApiError(4, 'Internal error'));

  // Browsers may send a text/plain body to skip a preflight; accept it so simple clients work.
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(badParameter('The request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(cors(request.headers.origin));
    if (request.method === 'OPTIONS') return;
    request.contactCenterId = rules.contactCenterOf(request.headers);
  });

  app.options('/*', async (_request, reply) => {
    reply.headers(PREFLIGHT_HEADERS).code(204).send();
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    let failure = envelopeOf(error, options.translate);
    if (!failure) {
      request.log.error({ err: error }, 'customer chat API failure');
      failure = internalError();
    }
    if (failure.retryAfterS !== null) reply.header('retry-after', String(failure.retryAfterS));
    reply.code(failure.httpStatus).send(failure.toBody());
  });

  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404).send(new ChatApiError(6, `No such resource: ${request.method} ${request.url.split('?')[0]}`).toBody());
  });

  const contactCenterOf = (request: FastifyRequest): string => {
    // Only a route outside this plugin's hooks could get here without one.
    if (request.contactCenterId === undefined) throw forbidden('Missing ContactCenterId header: say which contact center serves this chat');
    return request.contactCenterId;
  };

  return {
    contactCenterOf,
    chatOf: (request) => rules.chat(request.params.id, contactCenterOf(request)),
    open: (chat) => rules.open(chat),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the Customer Chat API's onRequest hook. */
    contactCenterId?: string;
  }
}
