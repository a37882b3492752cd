// What can go wrong talking to Direct Line, as a small typed family: each failure has a kind the
// session wiring can act on (tell the bot team, tell the customer, retry later), never a secret.
export type DirectLineFailure =
  /** 401/403: the secret (or a token) is not accepted: a configuration problem, not worth retrying. */
  | 'refused'
  /** 404: the conversation is gone (expired or unknown). */
  | 'not-found'
  /** 400/413: Direct Line refused the request itself; sending it again would not help. */
  | 'rejected'
  /** 502: the activity reached Direct Line, but the bot failed, timed out or was not reachable. */
  | 'bot-failed'
  /** Retries ran out on 429/5xx or the network. */
  | 'unavailable'
  /** The conversation was closed by this side. */
  | 'closed';

export class DirectLineClientError extends Error {
  override name = 'DirectLineClientError';
  constructor(
    readonly kind: DirectLineFailure,
    message: string,
    readonly detail: { status?: number; code?: string; activityId?: string; cause?: unknown } = {},
  ) {
    super(message);
  }
}

/** Works across module copies (a check by name, as ky's guards do). */
export const isDirectLineClientError = (error: unknown): error is DirectLineClientError =>
  error instanceof Error && error.name === 'DirectLineClientError' && typeof (error as DirectLineClientError).kind === 'string';
