// One tab of the visitor works for all: the leader polls and sends while a chat is on; a tab that
// stops leading stops, and the next leader takes over from the shared state.
import { effect } from '@preact/signals';
import type { Poller } from '../poller';
import type { Shared, TabMessage } from '../shared';
import type { Tabs } from '../tabs';
import { isActive } from '../types';
import type { Lifetime } from './lifetime';
import { unsent, type Outbox } from './outbox';

export interface LeadershipDeps {
  shared: Shared;
  tabs: Tabs<TabMessage>;
  polling: Poller;
  outbox: Outbox;
  lifetime: Lifetime;
}

export function followLeadership({ shared, tabs, polling, outbox, lifetime }: LeadershipDeps): void {
  lifetime.hold(
    effect(() => {
      const chat = shared.state.value.chat;
      const lead = tabs.isLeader.value;
      if (lead && isActive(chat) && chat.id) {
        if (!polling.running) polling.start();
        else polling.kick(100);
        if (shared.state.value.outbox.some(unsent)) void outbox.flush();
      } else {
        polling.stop();
      }
    }),
  );
}
