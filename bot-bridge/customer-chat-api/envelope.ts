// The error table of the Customer Chat API (protocols/customer-chat-api.md, "Envelope") and the one
// error class both servers throw: every error body is { statusCode, statusMessage }.
import type { ErrorBody, ErrorStatusCode } from './wire';

export const CHAT_ERRORS: Record<ErrorStatusCode, { meaning: string; http: number }> = {
  1: { meaning: 'missing or malformed parameter', http: 400 },
  // The protocol also allows 409; both servers answer 400.
  2: { meaning: "operation not valid in the chat's current state", http: 400 },
  3: { meaning: 'forbidden (ContactCenterId, Authorization or Origin)', http: 403 },
  4: { meaning: 'internal error', http: 500 },
  6: { meaning: 'not found', http: 404 },
  // Extensions (ours): a refusal a client handles by waiting (Retry-After), and upload limits.
  7: { meaning: 'too many requests: retry after the Retry-After header', http: 429 },
  8: { meaning: 'too large', http: 413 },
  9: { meaning: 'unsupported media type', http: 415 },
};

export class ChatApiError extends Error {
  override name = 'ChatApiError';
  readonly httpStatus: number;
  /** Seconds for the Retry-After header (statusCode 7); null = none. */
  readonly retryAfterS: number | null;

  constructor(
    readonly statusCode: ErrorStatusCode,
    message: string,
    /** `httpStatus` 503 says a dependency is away for a moment and the client should retry. */
    options: { httpStatus?: number; retryAfterS?: number } = {},
  ) {
    super(message);
    this.httpStatus = options.httpStatus ?? CHAT_ERRORS[statusCode].http;
    this.retryAfterS = options.retryAfterS ?? null;
  }

  toBody(): ErrorBody {
    return { statusCode: this.statusCode, statusMessage: this.message };
  }
}

export const badParameter = (message: string) => new ChatApiError(1, message);
export const invalidState = (message: string) => new ChatApiError(2, message);
export const forbidden = (message: string) => new ChatApiError(3, message);
/** The same answer whether the chat does not exist or belongs to someone else. */
export const notFound = (message = 'No such chat') => new ChatApiError(6, message);
/** 429 statusCode 7 with Retry-After: the client waits that long and sends the same request again. */
export const tooManyRequests = (message: string, retryAfterMs: number) => new ChatApiError(7, message, { retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
export const tooLarge = (message: string) => new ChatApiError(8, message);
export const chatEnded = () => invalidState('The chat has ended: no operation is valid any more');

/**
 * Any failure as the envelope says it: ours as they are, the server's own (`translate`, its domain
 * errors), Fastify's 4xx (body too large, wrong content type, bad JSON) as statusCode 1. Null for
 * everything else: an internal failure, whose details stay in the log.
 */
export function envelopeOf(error: Error & { statusCode?: number }, translate?: (error: Error) => ChatApiError | undefined): ChatApiError | null {
  if (error instanceof ChatApiError) return error;
  const translated = translate?.(error);
  if (translated) return translated;
  if (error.statusCode === 413) return badParameter('The request body is too large');
  if (error.statusCode === 415) return badParameter('Content-Type must be application/json');
  if (error.statusCode && error.statusCode < 500) return badParameter(`Malformed request: ${error.message}`);
  return null;
}
