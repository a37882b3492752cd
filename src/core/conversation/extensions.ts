// What the server offers beyond the seed (GetChat's `extensions`), asked once per chat by the leader
// and kept in the shared chat, so every tab knows whether the customer may attach files, and within
// which limits, before showing the attach button.
import { effect } from '@preact/signals';
import type { ChatApiClient } from '../client';
import type { Shared } from '../shared';
import { isActive } from '../types';
import type { Lifetime } from './lifetime';

export function followExtensions(deps: { client: ChatApiClient; shared: Shared; leader(): boolean; lifetime: Lifetime }): void {
  const { client, shared, lifetime } = deps;
  let asking: string | null = null;
  lifetime.hold(
    effect(() => {
      const chat = shared.state.value.chat;
      if (!deps.leader() || !isActive(chat) || !chat.id || chat.files !== undefined || asking === chat.id) return;
      const id = chat.id;
      asking = id;
      void client
        .getChat(id)
        .then((view) => {
          const files = view.extensions?.files;
          const valid = !!files && Number.isFinite(files.maxBytes) && files.maxBytes > 0 && Array.isArray(files.contentTypes);
          return shared.commit((s) =>
            s.chat?.id === id
              ? { ...s, chat: { ...s.chat, files: valid ? { maxBytes: files.maxBytes, contentTypes: files.contentTypes.filter((t) => typeof t === 'string') } : null } }
              : s,
          );
        })
        // Asked again with the next change of the chat (a poll that works).
        .catch(() => undefined)
        .finally(() => (asking = null));
    }),
  );
}
