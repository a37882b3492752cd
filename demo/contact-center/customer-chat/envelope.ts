// The Customer Chat API's error envelope: every answer has a statusCode, errors a statusMessage.
export type ChatStatusCode = 1 | 2 | 3 | 4 | 6;

export const HTTP_STATUS: Record<ChatStatusCode, number> = { 1: 400, 2: 400, 3: 403, 4: 500, 6: 404 };

export class ChatApiError extends Error {
  override name = 'ChatApiError';
  constructor(
    readonly statusCode: ChatStatusCode,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.statusCode];
  }

  toBody(): { statusCode: ChatStatusCode; statusMessage: string } {
    return { statusCode: this.statusCode, statusMessage: this.message };
  }
}

export const badParameter = (message: string) => new ChatApiError(1, message);
export const notFound = (message = 'No such chat') => new ChatApiError(6, message);
