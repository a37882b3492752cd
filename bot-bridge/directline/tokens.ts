// A conversation's token, refreshed before it expires: at `refreshAt` of its lifetime (half, as
// Web Chat does), retried while it lasts. A token that is refused or has expired anyway (a process
// paused for an hour, a token revoked) is not the end: `recover` gets a new one for the same
// conversation with the secret (GET …/conversations/{id}), so the conversation never stalls on it.
import type { Http } from './http';
import type { Settings } from './types';

export class TokenKeeper {
  private token: string | null = null;
  private expiresAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly settings: Settings,
    private readonly http: Http,
    private readonly conversationId: string,
    private readonly recover: () => Promise<void>,
  ) {}

  /** What to send as Bearer: the token, or (only if Direct Line never gave one) the secret. */
  bearer = (): string => this.token ?? this.settings.secret;

  get expiresInMs(): number {
    return this.expiresAt - Date.now();
  }

  set(token: string | undefined, expiresInS: number | undefined): void {
    if (!token) return;
    const lifetimeMs = Math.max(1, Number(expiresInS) || 1800) * 1000;
    this.token = token;
    this.expiresAt = Date.now() + lifetimeMs;
    this.schedule(Math.max(500, lifetimeMs * this.settings.refreshAt));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    this.timer.unref();
  }

  private async refresh(): Promise<void> {
    if (this.stopped || !this.token) return;
    const before = this.token;
    try {
      const { body } = await this.http.call<{ token?: string; expires_in?: number }>({
        method: 'POST',
        path: '/tokens/refresh',
        route: 'POST /tokens/refresh',
        bearer: () => before,
        kind: 'read',
        conversation: this.conversationId,
      });
      if (this.token === before) this.set(body.token, body.expires_in);
      this.settings.log?.debug({ conversation: this.conversationId.slice(0, 8) }, 'direct line token refreshed');
    } catch (error) {
      const kind = (error as { kind?: string }).kind;
      if (this.stopped || this.token !== before) return;
      if (kind === 'refused' || this.expiresInMs <= 1000) {
        // Expired or revoked: a new token from the secret, for the same conversation.
        await this.recover().catch(() => this.schedule(Math.min(30_000, this.settings.retryMaxMs)));
        return;
      }
      this.settings.log?.warn({ conversation: this.conversationId.slice(0, 8), why: (error as Error).message }, 'direct line token refresh failed; retrying');
      this.schedule(Math.max(500, Math.min(30_000, this.expiresInMs / 4)));
    }
  }
}
