// Direct Line's error family: every 4xx/5xx carries an ErrorResponse `{ error: { code, message } }`
// (the API reference's shape). One table, so a client test can rely on each code's status.
import type { FastifyInstance } from 'fastify';

export const ERRORS = {
  /** No Authorization header, or not `Bearer …`. */
  Unauthorized: 401,
  /** A secret or token this service did not issue, or one for another conversation. */
  Forbidden: 403,
  /** A token that was valid and has expired (the code the reference names). */
  TokenExpired: 403,
  BadArgument: 400,
  MissingProperty: 400,
  NotFound: 404,
  MethodNotAllowed: 405,
  MessageSizeTooBig: 413,
  TooManyRequests: 429,
  ServiceError: 500,
  /** The bot answered with an error status. */
  BotError: 502,
  /** The bot did not answer in time (it may still be working on the activity). */
  BotTimeout: 502,
  /** The bot could not be reached at all. */
  BotNotAvailable: 502,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class DirectLineError extends Error {
  override name = 'DirectLineError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.status = ERRORS[code];
  }
}

export const errorBody = (code: string, message: string) => ({ error: { code, message } });

/** The error handler and 404 of the whole service: Direct Line's shape, internals hidden on 5xx. */
export function installErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof DirectLineError) return reply.code(error.status).send(errorBody(error.code, error.message));
    const status = error.statusCode ?? 500;
    if (status === 413 || error.code === 'FST_REQ_FILE_TOO_LARGE') return reply.code(413).send(errorBody('MessageSizeTooBig', 'The request is too large'));
    if (status < 500) return reply.code(status).send(errorBody('BadArgument', error.message));
    request.log.error({ err: error }, 'direct line failure');
    return reply.code(500).send(errorBody('ServiceError', 'Internal error, please retry'));
  });
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send(errorBody('NotFound', `${request.method} ${request.url.split('?')[0]} is not part of Direct Line 3.0`)));
}
