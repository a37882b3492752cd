// One customer chat's Direct Line conversation: posting the customer's activities, receiving the
// bot's, and keeping both going through stream drops, token expiry and rate limits.
//
// Receiving. The WebSocket stream is preferred; when it drops, the conversation reconnects with
// backoff (GET …/conversations/{id}?watermark= gives a stream URL that resumes after the
// watermark). After `streamFailuresBeforePolling` failures in a row, or one refused upgrade, it
// polls GET …/activities?watermark= instead and tries the stream again every `streamRetryMs`.
// Whatever the source, sets go through one queue: handlers see each bot activity once (ids are
// remembered), in order, and the watermark moves only once every handler has taken a batch (a
// handler that throws gets the same batch again after a backoff). So `state().watermark` is always
// a safe place to resume from: persist it with what the batch did.
//
// Posting. One post at a time, in order. Each carries channelData.clientActivityID (the caller's, or
// a fresh one): after an answer that leaves its fate unknown, the transcript is searched for its echo
// before it is sent again, so a retry does not make the bot hear the customer twice.
import { randomUUID } from 'node:crypto';
import { backoff } from '../outbox';
import { DirectLineClientError, isDirectLineClientError } from './errors';
import { AmbiguousSend, type Http } from './http';
import { openStream, type OpenStream, type StreamEnd } from './stream';
import { TokenKeeper } from './tokens';
import type { ActivityBatch, ActivitySet, ConversationStatus, DirectLineActivity, ResumeState, Settings } from './types';

export interface ConversationInfo {
  conversationId: string;
  token?: string;
  expires_in?: number;
  streamUrl?: string;
}

export interface PostOptions {
  /** Sent as channelData.clientActivityID and used to find the activity again: give a stable one (a job key) to survive restarts. */
  clientActivityId?: string;
  /** Look for it in the transcript before sending (a retry after a crash, when a first attempt may have arrived). */
  checkFirst?: boolean;
}

export interface PostResult {
  /** The activity's id in the conversation. */
  id: string;
  /** It was already there (found by its clientActivityID): not sent again. */
  duplicate: boolean;
}

export interface UploadFile {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

type Handler = (batch: ActivityBatch) => void | Promise<void>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A stream that stayed open this long counts as healthy: its failure count starts again. */
const HEALTHY_MS = 30_000;
const REMEMBERED = 2000;

/** Insertion-ordered set that forgets its oldest entries. */
class Recent<K, V = true> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  has(key: K): boolean {
    return this.map.has(key);
  }
  get(key: K): V | undefined {
    return this.map.get(key);
  }
  set(key: K, value: V = true as V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}

export class DirectLineConversation {
  readonly conversationId: string;
  readonly userId: string;
  private readonly userName: string | undefined;
  private watermark: string | null;
  private streamUrl: string | null = null;
  private readonly tokens: TokenKeeper;
  private readonly handlers = new Set<Handler>();
  private readonly statusHandlers = new Set<(status: ConversationStatus, detail?: string) => void>();
  private readonly seen = new Recent<string>(REMEMBERED);
  /** clientActivityID → the id Direct Line gave it, from the echoes seen. */
  private readonly echoes = new Recent<string, string>(REMEMBERED);
  private queue: Promise<void> = Promise.resolve();
  private posting: Promise<unknown> = Promise.resolve();
  private current: OpenStream | null = null;
  private receiving = false;
  private closed = false;
  private recovering: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private statusNow: ConversationStatus = 'connecting';

  constructor(
    private readonly settings: Settings,
    private readonly http: Http,
    state: ResumeState & { userName?: string | undefined },
  ) {
    this.conversationId = state.conversationId;
    this.userId = state.userId;
    this.userName = state.userName;
    this.watermark = state.watermark;
    this.tokens = new TokenKeeper(settings, http, this.conversationId, () => this.recover());
  }

  /** Takes what a start or reconnect answered: the token and a fresh stream URL. */
  accept(info: ConversationInfo): void {
    this.tokens.set(info.token, info.expires_in);
    this.takeStreamUrl(info.streamUrl);
  }

  /** What to store to resume this conversation later (after the last batch the handlers took). */
  state(): ResumeState {
    return { conversationId: this.conversationId, userId: this.userId, watermark: this.watermark };
  }

  get status(): ConversationStatus {
    return this.statusNow;
  }

  /** Bot activities in order, each once; receiving starts with the first handler. Returns an unsubscribe. */
  onActivities(handler: Handler): () => void {
    this.handlers.add(handler);
    if (!this.receiving && !this.closed) {
      this.receiving = true;
      void this.receive();
    }
    return () => this.handlers.delete(handler);
  }

  onStatus(handler: (status: ConversationStatus, detail?: string) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  /** Posts an activity from the customer; resolves with its id once the bot has taken it. */
  post(activity: DirectLineActivity, options: PostOptions = {}): Promise<PostResult> {
    const cid = options.clientActivityId ?? randomUUID();
    const body = {
      ...activity,
      from: { id: this.userId, ...(this.userName ? { name: this.userName } : {}), role: 'user' },
      channelData: { ...(activity.channelData ?? {}), clientActivityID: cid },
    };
    return this.serially(() =>
      this.send(cid, options.checkFirst === true, () =>
        this.http.call<{ id?: string }>({
          method: 'POST',
          path: `/conversations/${encodeURIComponent(this.conversationId)}/activities`,
          route: 'POST /conversations/{id}/activities',
          bearer: this.tokens.bearer,
          json: body,
          kind: 'post',
          onTokenExpired: () => this.recover(),
          conversation: this.short,
        }),
      ),
    );
  }

  /** Uploads files as one message (with the activity's text, if any): multipart, as Web Chat sends them. */
  upload(files: UploadFile[], activity: DirectLineActivity = { type: 'message' }, options: PostOptions = {}): Promise<PostResult> {
    if (files.length === 0) return Promise.reject(new DirectLineClientError('rejected', 'An upload needs at least one file'));
    const cid = options.clientActivityId ?? randomUUID();
    const template = {
      ...activity,
      type: 'message',
      from: { id: this.userId, ...(this.userName ? { name: this.userName } : {}), role: 'user' },
      attachments: files.map((f) => ({ contentType: f.contentType, name: f.name })),
      channelData: { ...(activity.channelData ?? {}), clientActivityID: cid },
    };
    const form = () => {
      const data = new FormData();
      data.append('activity', new Blob([JSON.stringify(template)], { type: 'application/vnd.microsoft.activity' }), 'blob');
      for (const file of files) data.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.contentType }), file.name);
      return data;
    };
    return this.serially(() =>
      this.send(cid, options.checkFirst === true, () =>
        this.http.call<{ id?: string }>({
          method: 'POST',
          path: `/conversations/${encodeURIComponent(this.conversationId)}/upload?userId=${encodeURIComponent(this.userId)}`,
          route: 'POST /conversations/{id}/upload',
          bearer: this.tokens.bearer,
          form: form(),
          kind: 'post',
          onTokenExpired: () => this.recover(),
          conversation: this.short,
        }),
      ),
    );
  }

  /** Stops receiving and refreshing; posts already under way finish. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tokens.stop();
    this.current?.close();
    this.wake?.();
    this.setStatus('closed');
    await this.queue.catch(() => undefined);
  }

  // ---- posting ----

  private get short(): string {
    return this.conversationId.slice(0, 8);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.posting.then(() => {
      if (this.closed) throw new DirectLineClientError('closed', 'The conversation is closed');
      return work();
    });
    this.posting = run.catch(() => undefined);
    return run;
  }

  private async send(cid: string, checkFirst: boolean, attempt: () => Promise<{ body: { id?: string } }>): Promise<PostResult> {
    const since = this.watermark;
    if (checkFirst) {
      const found = await this.findEcho(cid, null);
      if (found) return { id: found, duplicate: true };
    }
    for (let n = 1; ; n++) {
      try {
        const { body } = await attempt();
        return { id: typeof body?.id === 'string' ? body.id : '', duplicate: false };
      } catch (error) {
        if (!(error instanceof AmbiguousSend)) throw error;
        if (n >= this.settings.maxAttempts) throw new DirectLineClientError('unavailable', `Direct Line did not confirm the activity (${error.why})`);
        await sleep(backoff(n, this.settings.retryBaseMs, this.settings.retryMaxMs, this.settings.random));
        const found = await this.findEcho(cid, since);
        if (found) return { id: found, duplicate: true };
      }
    }
  }

  /** The id of our activity with this clientActivityID, from the echoes seen or the transcript after `since`. */
  private async findEcho(cid: string, since: string | null): Promise<string | null> {
    const known = this.echoes.get(cid);
    if (known) return known;
    let watermark = since;
    for (let page = 0; page < 50; page++) {
      const set = await this.getActivities(watermark);
      for (const activity of set.activities) {
        if (activity.from?.id === this.userId && activity.channelData?.clientActivityID === cid && activity.id) return activity.id;
      }
      if (set.activities.length === 0 || !set.watermark || set.watermark === watermark) return null;
      watermark = set.watermark;
    }
    return null;
  }

  // ---- receiving ----

  private setStatus(status: ConversationStatus, detail?: string): void {
    if (this.statusNow === status) return;
    this.statusNow = status;
    this.settings.log?.info({ conversation: this.short, status, ...(detail ? { detail } : {}) }, 'direct line conversation status');
    for (const handler of this.statusHandlers) handler(status, detail);
  }

  private getActivities(watermark: string | null): Promise<ActivitySet> {
    const query = watermark ? `?watermark=${encodeURIComponent(watermark)}` : '';
    return this.http
      .call<ActivitySet>({
        method: 'GET',
        path: `/conversations/${encodeURIComponent(this.conversationId)}/activities${query}`,
        route: 'GET /conversations/{id}/activities',
        bearer: this.tokens.bearer,
        kind: 'read',
        onTokenExpired: () => this.recover(),
        conversation: this.short,
      })
      .then(({ body }) => ({ activities: Array.isArray(body?.activities) ? body.activities : [], ...(typeof body?.watermark === 'string' ? { watermark: body.watermark } : {}) }));
  }

  /**
   * A new token (and stream URL) for this conversation from the secret: after a restart, or when
   * the token expired or was refused. One at a time.
   */
  recover(): Promise<void> {
    this.recovering ??= this.reconnect(() => this.settings.secret).finally(() => (this.recovering = null));
    return this.recovering;
  }

  /** GET …/conversations/{id}?watermark=: a stream URL that resumes after what the handlers took. */
  private async reconnect(bearer: () => string): Promise<void> {
    const query = this.watermark ? `?watermark=${encodeURIComponent(this.watermark)}` : '';
    const { body } = await this.http.call<ConversationInfo>({
      method: 'GET',
      path: `/conversations/${encodeURIComponent(this.conversationId)}${query}`,
      route: 'GET /conversations/{id}',
      bearer,
      kind: 'read',
      ...(bearer === this.tokens.bearer ? { onTokenExpired: () => this.recover() } : {}),
      conversation: this.short,
    });
    if (body?.token && body.token !== this.tokens.bearer()) this.tokens.set(body.token, body.expires_in);
    this.takeStreamUrl(body?.streamUrl);
  }

  /**
   * A stream URL is where this process will open a connection, and it comes from a response: only
   * a ws(s) URL on Direct Line's own site is taken (the configured host, or one of its siblings,
   * as regional endpoints are). Anything else is ignored (and the conversation polls).
   */
  private takeStreamUrl(raw: unknown): void {
    if (typeof raw !== 'string' || !raw) return;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return;
    }
    const site = (host: string) => (/^[\d.]+$|:/.test(host) ? host : host.split('.').slice(-2).join('.'));
    const configured = new URL(this.settings.url).hostname;
    if ((url.protocol === 'wss:' || url.protocol === 'ws:') && site(url.hostname) === site(configured)) {
      this.streamUrl = raw;
      return;
    }
    this.settings.log?.warn({ conversation: this.short, host: url.hostname }, 'direct line gave a stream URL off its own site; ignored');
  }

  /** Hands a set to the handlers, after every set before it. */
  private enqueue(set: ActivitySet): Promise<void> {
    this.queue = this.queue.then(() => this.handle(set));
    return this.queue;
  }

  private async handle(set: ActivitySet): Promise<void> {
    const fresh: DirectLineActivity[] = [];
    for (const activity of set.activities) {
      if (activity.id && this.seen.has(activity.id)) continue;
      if (activity.from?.id === this.userId) {
        // Our own activity's echo: it says a post arrived; the handlers want the bot's.
        const cid = activity.channelData?.clientActivityID;
        if (typeof cid === 'string' && activity.id) this.echoes.set(cid, activity.id);
        if (activity.id) this.seen.set(activity.id);
        continue;
      }
      fresh.push(activity);
    }
    const batch: ActivityBatch = { activities: fresh, watermark: set.watermark ?? null };
    if (fresh.length > 0) {
      for (const handler of [...this.handlers]) {
        for (let n = 1; !this.closed; n++) {
          try {
            await handler(batch);
            break;
          } catch (error) {
            this.settings.log?.warn({ conversation: this.short, why: (error as Error).message, attempt: n }, 'an activity handler failed; the batch is handed over again');
            await sleep(backoff(n, this.settings.retryBaseMs, this.settings.retryMaxMs, this.settings.random));
          }
        }
        if (this.closed) return;
      }
    }
    for (const activity of fresh) if (activity.id) this.seen.set(activity.id);
    if (set.watermark) this.watermark = set.watermark;
  }

  private async receive(): Promise<void> {
    let failures = 0;
    let pollUntil = this.settings.webSocket ? 0 : Number.POSITIVE_INFINITY;
    /** Polling because the stream failed: one more failed try goes back to polling at once. */
    let degraded = false;
    try {
      while (!this.closed) {
        if (Date.now() >= pollUntil) {
          const end = await this.streamOnce();
          if (this.closed) break;
          if (end.collision) {
            this.setStatus('taken-over', 'another client opened this conversation’s stream');
            return;
          }
          if (end.opened) degraded = false;
          if (end.opened && end.lifetimeMs >= HEALTHY_MS) failures = 0;
          failures++;
          if (degraded || end.refusedStatus !== null || failures >= this.settings.streamFailuresBeforePolling) {
            if (!degraded) this.settings.log?.warn({ conversation: this.short, why: end.why, failures }, 'direct line stream unavailable; polling instead');
            pollUntil = Date.now() + this.settings.streamRetryMs;
            failures = 0;
            degraded = true;
            continue;
          }
          this.setStatus('reconnecting', end.why);
          await this.pause(backoff(failures, this.settings.retryBaseMs, this.settings.retryMaxMs, this.settings.random));
          continue;
        }
        this.setStatus('polling');
        const before = this.watermark;
        const set = await this.getActivities(before);
        await this.enqueue(set);
        // Straight on while pages bring something new; otherwise at the polling interval.
        if (set.activities.length === 0 || this.watermark === before) await this.pause(this.settings.pollIntervalMs);
      }
    } catch (error) {
      if (this.closed) return;
      const kind = isDirectLineClientError(error) ? error.kind : 'unavailable';
      if (kind === 'refused' || kind === 'not-found' || kind === 'rejected') {
        this.setStatus('failed', (error as Error).message);
        return;
      }
      // Out of retries on a read: wait, then go on receiving from the watermark.
      this.settings.log?.warn({ conversation: this.short, why: (error as Error).message }, 'direct line receiving failed; trying again');
      await this.pause(this.settings.retryMaxMs);
      if (!this.closed) return this.receive();
    }
  }

  /** Opens the stream (from a fresh URL when there is one) and resolves when it ends. */
  private async streamOnce(): Promise<StreamEnd> {
    this.setStatus(this.statusNow === 'connecting' ? 'connecting' : 'reconnecting');
    if (!this.streamUrl) await this.reconnect(this.tokens.bearer);
    const url = this.streamUrl;
    if (!url) return { opened: false, lifetimeMs: 0, collision: false, refusedStatus: 0, why: 'no usable stream URL' };
    this.streamUrl = null; // a stream URL is used once: its `t` is short-lived
    const stream = openStream(this.settings, url, { open: () => this.setStatus('streaming'), set: (set) => void this.enqueue(set) });
    this.current = stream;
    const end = await stream.done;
    this.current = null;
    // Sets already received are handled before reconnecting, so the watermark is where they end.
    await this.queue;
    return end;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
