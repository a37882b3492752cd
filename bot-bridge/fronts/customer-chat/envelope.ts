// The Customer Chat API's answers: every body has a statusCode, errors add a statusMessage.
export type ChatStatusCode = 1 | 2 | 3 | 4 | 6;

const HTTP: Record<ChatStatusCode, number> = { 1: 400, 2: 400, 3: 403, 4: 500, 6: 404 };

export class ChatApiError extends Error {
  override name = 'ChatApiError';
  constructor(
    readonly statusCode: ChatStatusCode,
    message: string,
    /** 503 when a dependency (the store) is away: the client should retry. */
    readonly httpOverride?: number,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return this.httpOverride ?? HTTP[this.statusCode];
  }

  toBody() {
    return { statusCode: this.statusCode, statusMessage: this.message };
  }
}

export const badParameter = (message: string) => new ChatApiError(1, message);
export const invalidState = (message: string) => new ChatApiError(2, message);
export const forbidden = (message: string) => new ChatApiError(3, message);
export const notFound = (message = 'No such chat') => new ChatApiError(6, message);
