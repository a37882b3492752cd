// Direct Line requests and its retry rules. A request that did not reach Direct Line (connection
// refused) or was turned away (429, after its Retry-After) is sent again; a read (GET, token calls,
// starting a conversation with its token: all safe to repeat) is also sent again after a 5xx, a
// timeout or a dropped connection, with exponential backoff and jitter. A post is not: after those
// it may have been stored, so the caller first looks for it in the transcript (AmbiguousSend). A
// 502 is the bot's failure after Direct Line took the activity: never sent again here. Logs name
// the route and the status, never a secret, a token or a streamUrl.
import { backoff } from '../outbox';
import { DirectLineClientError } from './errors';
import type { Settings } from './types';

export interface CallSpec {
  method: 'GET' | 'POST';
  /** Under /v3/directline, e.g. /conversations/abc/activities?watermark=3 */
  path: string;
  /** For logs: the route without ids, e.g. "POST /conversations/{id}/activities". */
  route: string;
  /** The bearer to send, read at each attempt (a refreshed token is used at once). */
  bearer: () => string;
  json?: unknown;
  form?: FormData;
  /** `read`: safe to repeat after any failure; `post`: repeat only what surely did not arrive. */
  kind: 'read' | 'post';
  /** A 403 TokenExpired: get a new token this way, then try again (once). */
  onTokenExpired?: () => Promise<void>;
  conversation?: string | undefined;
}

/** A post whose fate is unknown (5xx, timeout, dropped connection): look for its echo before sending again. */
export class AmbiguousSend extends Error {
  override name = 'AmbiguousSend';
  constructor(readonly why: string) {
    super(`the post may or may not have arrived (${why})`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After in seconds or as an HTTP date, in ms; null when absent or unreadable. Capped at 2 minutes. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return null;
  return Math.min(120_000, Math.max(0, Math.round(ms)));
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const errorOf = (body: unknown): { code?: string; message?: string } => {
  const error = typeof body === 'object' && body !== null ? (body as { error?: { code?: unknown; message?: unknown } }).error : undefined;
  return { ...(typeof error?.code === 'string' ? { code: error.code } : {}), ...(typeof error?.message === 'string' ? { message: error.message.slice(0, 300) } : {}) };
};

export class Http {
  constructor(private readonly settings: Settings) {}

  private url(path: string): string {
    return `${this.settings.url.replace(/\/+$/, '')}/v3/directline${path}`;
  }

  async call<T>(spec: CallSpec): Promise<{ status: number; body: T }> {
    const { settings } = this;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= settings.maxAttempts;
      let response: Response;
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${spec.bearer()}`, accept: 'application/json' };
        let body: string | FormData | undefined;
        if (spec.form) body = spec.form;
        else if (spec.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(spec.json);
        }
        response = await settings.fetch(this.url(spec.path), { method: spec.method, headers, body: body ?? null, signal: AbortSignal.timeout(settings.requestTimeoutMs) });
      } catch (error) {
        const err = error as Error & { cause?: { code?: string } };
        const notSent = err.cause?.code === 'ECONNREFUSED' || err.cause?.code === 'ENOTFOUND' || err.cause?.code === 'EAI_AGAIN';
        const why = err.name === 'TimeoutError' ? `no answer in ${settings.requestTimeoutMs} ms` : (err.cause?.code ?? err.message);
        settings.log?.warn({ route: spec.route, conversation: spec.conversation, attempt, why }, 'direct line request failed');
        if (!notSent && spec.kind === 'post') throw new AmbiguousSend(why);
        if (last) throw new DirectLineClientError('unavailable', `Direct Line did not answer ${spec.route} (${why})`, { cause: error });
        await sleep(backoff(attempt, settings.retryBaseMs, settings.retryMaxMs, settings.random));
        continue;
      }

      const status = response.status;
      const body = await readBody(response);
      if (status >= 200 && status < 300) return { status, body: body as T };
      const { code, message } = errorOf(body);
      const detail = { status, ...(code ? { code } : {}) };
      const retrying = status === 429 || (spec.kind === 'read' && status >= 500);
      // Never sooner than Direct Line asked (Retry-After), else exponential backoff with jitter.
      const retryInMs =
        retrying && !last ? (retryAfterMs(response.headers.get('retry-after')) ?? backoff(attempt, settings.retryBaseMs, settings.retryMaxMs, settings.random)) : null;
      settings.log?.[status >= 500 || status === 429 ? 'warn' : 'info'](
        { route: spec.route, conversation: spec.conversation, attempt, status, code, ...(retryInMs !== null ? { retryInMs } : {}) },
        'direct line answered an error',
      );

      if (status === 403 && code === 'TokenExpired' && spec.onTokenExpired && !refreshed) {
        refreshed = true;
        await spec.onTokenExpired();
        attempt--;
        continue;
      }
      if (retrying) {
        if (retryInMs === null) throw new DirectLineClientError('unavailable', `Direct Line answered ${status} to ${spec.route} ${settings.maxAttempts} times`, detail);
        await sleep(retryInMs);
        continue;
      }
      if (status === 502) throw new DirectLineClientError('bot-failed', `The bot did not take the activity (${code ?? 'BotError'})`, detail);
      if (status >= 500) throw new AmbiguousSend(`HTTP ${status}`);
      if (status === 401 || status === 403)
        throw new DirectLineClientError('refused', `Direct Line refused the ${code === 'TokenExpired' ? 'token (expired)' : 'secret or token'}: ${message ?? status}`, detail);
      if (status === 404) throw new DirectLineClientError('not-found', `Direct Line does not know this conversation (${spec.route})`, detail);
      throw new DirectLineClientError('rejected', `Direct Line rejected ${spec.route}: ${message ?? status}`, detail);
    }
  }
}
