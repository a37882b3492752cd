// The Direct Line transport: the bridge is a Direct Line 3.0 client of the bot (Azure Bot Service,
// Copilot Studio), one conversation per customer chat, with the secret kept in this process.
//
// Sending. The bot.send job posts the customer's activity (a message, handoff.status, goodbye); the
// chat's opening conversationUpdate starts the conversation (Direct Line tells the bot the customer
// joined). Each post carries the queued activity's id as clientActivityID, and a job run again after
// a crash first looks for it in the transcript: the bot hears each activity once.
//
// Receiving. One replica at a time holds a chat's stream, under a lease in the store (Redis; in
// process with SQLite, where there is one process). What it receives goes to the session machine
// through `arrived`, like the Bot Connector channel's replies. Exactly once: each activity id is
// counted in the store after it is handed over (a counter of the chat's bound `dl:<id>`
// conversation, so it is kept while the chat lives and forgotten with it), and the watermark saved
// after each batch; whoever resumes (after a restart, or the replica that takes the lease of a dead
// one) starts from that watermark and skips the ids already counted. The one step a crash can
// repeat, an activity handed over but not yet counted, repeats harmlessly: what it shows is keyed by
// the activity id, and a second handoff.initiate is ignored while the first runs.
import { randomUUID } from 'node:crypto';
import type { Deps } from '../context';
import { createDirectLineClient, isDirectLineClientError, type ActivityBatch, type DirectLineClient, type DirectLineConversation } from '../directline';
import { backoff } from '../outbox';
import { short } from '../ops';
import type { QueuedActivity, Session } from '../sessions';
import { conversationCounters } from '../store';
import { problems } from './diagnosis';
import { attachmentsOf, type BotAttachment } from './bot-connector';
import type { Arrived, BotProblem, BotTransport, Delivery } from './types';

export interface DirectLineTransportOptions {
  /** Another client (tests); by default one for DIRECT_LINE_URL and DIRECT_LINE_SECRET. */
  client?: DirectLineClient;
  /** How often the streams' leases are renewed and free ones taken (ms). */
  tickMs?: number;
  /** A lease not renewed for this long is free: another replica takes the stream (ms). */
  leaseMs?: number;
}

interface Link {
  conversationId: string;
  userId: string;
}

interface Live {
  link: Link;
  conversation: DirectLineConversation;
  /** This replica holds the stream (and the lease). */
  receiving: boolean;
}

const linkKey = (sessionId: string) => `dl:link:${sessionId}`;
const leaseOf = (sessionId: string) => `dl:stream:${sessionId}`;
const countersOf = (link: Link) => conversationCounters(`dl:${link.conversationId}`);
const SEEN = 'seen';
const WATERMARK = 'watermark';
/** Chats whose stream a replica looks after at once (the live ones, oldest first). */
const MAX_LIVE = 2000;

export function directLineTransport(deps: Deps, arrived: Arrived, options: DirectLineTransportOptions = {}): BotTransport {
  const { store, config, log } = deps;
  const settings = config.bot.directLine;
  if (!settings && !options.client) throw new Error('BOT_TRANSPORT=directline needs DIRECT_LINE_SECRET');
  const client = options.client ?? createDirectLineClient({ url: settings!.url, secret: settings!.secret, log, requestTimeoutMs: config.bot.timeoutMs + 5000 });
  const tickMs = options.tickMs ?? 3000;
  const leaseMs = options.leaseMs ?? 15_000;
  const owner = randomUUID();
  const open = new Map<string, Live>();
  const opening = new Map<string, Promise<Live | null>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let ticking: Promise<void> | null = null;

  /** SQLite: one process, nothing to share. Redis: one replica per chat's stream. */
  const lease = (sessionId: string) => (store.driver === 'sqlite' ? Promise.resolve(true) : store.lease(leaseOf(sessionId), owner, leaseMs));

  async function linkOf(sessionId: string): Promise<Link | null> {
    const raw = await store.getSetting(linkKey(sessionId));
    if (!raw) return null;
    try {
      const link = JSON.parse(raw) as Link;
      return typeof link.conversationId === 'string' && typeof link.userId === 'string' ? link : null;
    } catch {
      return null;
    }
  }

  async function resumeFrom(link: Link): Promise<string | null> {
    const at = await store.getCounter(countersOf(link), WATERMARK);
    return at > 0 ? String(at) : null;
  }

  /** This replica's handle on the chat's conversation: the one it has, the stored one resumed, or (create) a new one. */
  function conversationOf(session: Session, create: boolean): Promise<Live | null> {
    const live = open.get(session.id);
    if (live) return Promise.resolve(live);
    let pending = opening.get(session.id);
    if (!pending) {
      pending = openConversation(session, create).finally(() => opening.delete(session.id));
      opening.set(session.id, pending);
    }
    return pending;
  }

  async function openConversation(session: Session, create: boolean): Promise<Live | null> {
    const user = { name: session.nickname || 'Customer' };
    let link = await linkOf(session.id);
    let conversation: DirectLineConversation;
    if (link) {
      conversation = await client.start({ user, resume: { ...link, watermark: await resumeFrom(link) } });
    } else {
      if (!create) return null;
      conversation = await client.start({ user: { ...user, id: `dl_${session.botConversationId}` }, locale: session.user.language ?? 'en' });
      const ours: Link = { conversationId: conversation.conversationId, userId: conversation.userId };
      // The first link saved holds: a job run twice (a crash after the start) goes on with the first conversation.
      const held = JSON.parse(await store.claimSetting(linkKey(session.id), JSON.stringify(ours))) as Link;
      if (held.conversationId !== ours.conversationId) {
        await conversation.close();
        conversation = await client.start({ user, resume: { ...held, watermark: await resumeFrom(held) } });
      }
      link = held;
      // Bound to the chat, the conversation's counters (seen ids, watermark) live as long as it does.
      await store.bindConversation(`dl:${link.conversationId}`, session.id);
    }
    if (stopped) {
      await conversation.close();
      return null;
    }
    const live: Live = { link, conversation, receiving: false };
    open.set(session.id, live);
    conversation.onStatus((status, detail) => {
      if (status === 'taken-over' || status === 'failed') {
        log.info({ chat: short(session.id), status, detail }, 'direct line conversation stopped receiving here');
        if (open.get(session.id) === live) open.delete(session.id);
        void conversation.close();
        if (status === 'failed') void store.unlease(leaseOf(session.id), owner).catch(() => undefined);
      }
    });
    return live;
  }

  /** Takes the chat's stream when its lease is free (or ours): receiving starts from the stored watermark. */
  async function receive(sessionId: string, live: Live): Promise<void> {
    if (live.receiving || stopped) return;
    if (!(await lease(sessionId))) return;
    live.receiving = true;
    live.conversation.onActivities((batch) => handle(sessionId, live, batch));
  }

  async function handle(sessionId: string, live: Live, batch: ActivityBatch): Promise<void> {
    if (!live.receiving) return;
    const key = countersOf(live.link);
    let session = await store.getSession(sessionId);
    if (!session) return;
    for (const activity of batch.activities) {
      const id = typeof activity.id === 'string' && activity.id ? activity.id : null;
      if (id && (await store.counted(key, id))) continue;
      if (activity.from?.role === 'user') continue;
      await arrived(session, activity, id ?? randomUUID());
      if (id) await store.incrCounter(key, SEEN, 1, id);
      session = (await store.getSession(sessionId)) ?? session;
    }
    const watermark = Number(batch.watermark);
    if (batch.watermark && Number.isSafeInteger(watermark) && watermark > 0) {
      // Only the lease holder writes it, and only forwards.
      const saved = await store.getCounter(key, WATERMARK);
      if (watermark > saved) await store.incrCounter(key, WATERMARK, watermark - saved);
    }
  }

  async function release(sessionId: string): Promise<void> {
    const live = open.get(sessionId);
    open.delete(sessionId);
    if (live) await live.conversation.close();
    if (store.driver !== 'sqlite') await store.unlease(leaseOf(sessionId), owner).catch(() => undefined);
  }

  /** Renews this replica's leases, lets go of ended chats, and takes the streams nobody holds. */
  async function tick(): Promise<void> {
    for (const [sessionId, live] of [...open]) {
      const session = await store.getSession(sessionId);
      if (!session || session.state === 'ended') {
        await release(sessionId);
        continue;
      }
      if (live.receiving && !(await lease(sessionId))) {
        log.info({ chat: short(sessionId) }, 'direct line stream taken over by another replica');
        live.receiving = false;
        open.delete(sessionId);
        await live.conversation.close();
      }
    }
    const ids = await store.idleSessions(Date.now() + 1, MAX_LIVE);
    for (const sessionId of ids) {
      if (stopped) return;
      if (open.get(sessionId)?.receiving) continue;
      // Two store calls for a chat another replica holds: its link, and the lease it keeps.
      if (!(await linkOf(sessionId)) || !(await lease(sessionId))) continue;
      const session = await store.getSession(sessionId);
      if (!session || session.kind !== 'widget' || session.state === 'ended') {
        await release(sessionId);
        continue;
      }
      const live = await conversationOf(session, false);
      if (live) await receive(sessionId, live);
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      ticking = tick()
        .catch((error: Error) => log.warn({ why: error.message }, 'direct line streams: check failed; trying again'))
        .finally(() => {
          ticking = null;
          schedule();
        });
    }, tickMs);
    timer.unref();
  }

  function failure(error: unknown, job: { attempts: number }): Delivery {
    if (!isDirectLineClientError(error)) {
      if (job.attempts < 3) return { retryAt: Date.now() + backoff(job.attempts, 500, 5000), error: (error as Error).message };
      return { failed: 'error', detail: (error as Error).message };
    }
    switch (error.kind) {
      case 'refused':
        deps.botHealth.problem = problems.secretRefused(error.message);
        return { failed: 'error', detail: error.message };
      case 'bot-failed': {
        deps.botHealth.problem = problems.botFailedDirectLine(error.message);
        const code = error.detail.code;
        return { failed: code === 'BotTimeout' ? 'timeout' : code === 'BotNotAvailable' ? 'unreachable' : 'error', detail: error.message };
      }
      case 'unavailable':
        if (job.attempts < 4) return { retryAt: Date.now() + backoff(job.attempts, 1000, 10_000), error: error.message };
        deps.botHealth.problem = problems.unreachableDirectLine(error.message);
        return { failed: 'unreachable', detail: error.message };
      default:
        return { failed: 'error', detail: error.message };
    }
  }

  return {
    kind: 'directline',

    async deliver(session: Session, a: QueuedActivity, job: { key: string; attempts: number }): Promise<Delivery> {
      try {
        // A goodbye to a conversation that never started is not worth starting one for.
        const live = await conversationOf(session, a.type !== 'endOfConversation');
        // Stopping: left for the next start (or another replica), not failed.
        if (!live) return stopped ? { retryAt: Date.now() + 1000, error: 'the bridge is stopping' } : { ok: true };
        // Receiving from the start: the bot's welcome (its answer to the join) is not missed.
        await receive(session.id, live);
        // Direct Line itself tells the bot the customer joined, when the conversation starts.
        if (a.type === 'conversationUpdate') return { ok: true };
        await live.conversation.post(toDirectLine(session, a, await attachmentsOf(deps, a)), { clientActivityId: a.id, checkFirst: job.attempts > 1 });
        if (a.type === 'endOfConversation') await release(session.id);
        return { ok: true };
      } catch (error) {
        return failure(error, job);
      }
    },

    async check(): Promise<BotProblem | null> {
      const result = await client.checkSecret();
      if (result.ok) return null;
      return result.reason === 'refused' ? problems.secretRefused(result.detail) : problems.unreachableDirectLine(result.detail);
    },

    start() {
      schedule();
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking;
      await Promise.all([...open.keys()].map((id) => release(id).catch(() => undefined)));
    },
  };
}

/** A queued activity as the customer's Direct Line client posts it (Direct Line adds from, conversation and the rest). */
export function toDirectLine(session: Session, a: QueuedActivity, attachments: BotAttachment[] = []): { type: string; [key: string]: unknown } {
  const channelData = { contactCenterId: session.contactCenterId, subject: session.subject, userData: session.userData };
  const locale = session.user.language ?? 'en';
  switch (a.type) {
    case 'message':
      // The customer's files as links the bot can fetch for a few minutes (as over the Bot Connector
      // channel), and a reply button's value.
      return {
        type: 'message',
        text: a.text ?? '',
        textFormat: 'plain',
        ...(a.value !== undefined ? { value: a.value } : {}),
        ...(attachments.length ? { attachments } : {}),
        locale,
        timestamp: a.timestamp,
        channelData,
      };
    case 'event':
      return { type: 'event', name: a.name, value: a.value, locale, timestamp: a.timestamp, channelData };
    default:
      return { type: a.type, ...(a.value !== undefined ? { value: a.value } : {}), locale, timestamp: a.timestamp, channelData };
  }
}
