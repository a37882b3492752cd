// File links expire (the server signs them for minutes, and hands out fresh ones with every
// GetMessages answer), but the widget asks only for entries it has not seen. So the leader asks for
// the whole transcript again now and then while it holds files — when it starts leading, every
// REFRESH_MS, and when a picture fails to load (at most once per MIN_GAP_MS) — and takes only the
// fresh links from the answer: nothing else of the transcript changes.
import { effect } from '@preact/signals';
import type { ChatApiClient } from '../client';
import type { Shared } from '../shared';
import { isActive, type Item, type WireEntry } from '../types';
import type { Lifetime } from './lifetime';

/** Within the links' life (15 minutes on our servers). */
export const REFRESH_MS = 10 * 60_000;
const MIN_GAP_MS = 30_000;

const hasFiles = (transcript: Item[]) => transcript.some((i) => i.kind === 'message' && !!i.attachments?.length);

/** The transcript with each message's files taken from the same entry of a fresh answer. */
export function freshLinks(transcript: Item[], entries: WireEntry[]): Item[] {
  const byIndex = new Map(entries.filter((e) => Array.isArray(e.attachments)).map((e) => [e.index, e.attachments!]));
  return transcript.map((item) => {
    if (item.kind !== 'message' || !item.attachments?.length) return item;
    const fresh = byIndex.get(item.index);
    if (!fresh) return item;
    return { ...item, attachments: item.attachments.map((a) => ({ ...a, url: fresh.find((f) => f.id === a.id && typeof f.url === 'string')?.url ?? a.url })) };
  });
}

export function followFileLinks(deps: { client: ChatApiClient; shared: Shared; leader(): boolean; lifetime: Lifetime; now?: () => number }) {
  const { client, shared, lifetime } = deps;
  const now = deps.now ?? Date.now;
  let last = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function refresh(): Promise<void> {
    const chat = shared.state.value.chat;
    if (lifetime.over || !deps.leader() || !isActive(chat) || !chat.id || !hasFiles(shared.state.value.transcript)) return;
    if (now() - last < MIN_GAP_MS) return;
    last = now();
    const id = chat.id;
    // The first page is enough: links of files further on are refreshed when their picture fails.
    const entries = (await client.getMessages(id, 1).catch(() => null))?.messages;
    if (entries?.length) await shared.commit((s) => (s.chat?.id === id ? { ...s, transcript: freshLinks(s.transcript, entries) } : s));
  }

  let leading = false;
  lifetime.hold(
    effect(() => {
      const lead = deps.leader() && isActive(shared.state.value.chat);
      if (lead === leading) return;
      leading = lead;
      clearInterval(timer);
      if (lead) {
        void refresh();
        timer = setInterval(() => void refresh(), REFRESH_MS);
      }
    }),
  );
  lifetime.hold(() => clearInterval(timer));
  return { refresh };
}
