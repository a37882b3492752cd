// Whether anyone looks at the chat: this tab asks the browser, the other tabs of the visitor say so
// over the tab channel (a heartbeat, since a closed tab says nothing). The leader polls faster while
// someone watches, and counts messages as unread while nobody does.
import type { Shared, TabMessage } from '../shared';
import type { Tabs } from '../tabs';
import type { Lifetime } from './lifetime';

/** A tab not heard of for this long is taken for gone (it beats every HEARTBEAT_MS). */
const PRESENCE_TTL_MS = 15_000;
const HEARTBEAT_MS = 5000;

export interface PresenceDeps {
  shared: Shared;
  tabs: Tabs<TabMessage>;
  isVisible(): boolean;
  onVisibilityChange(listener: () => void): () => void;
  lifetime: Lifetime;
  /** Someone's visibility changed; `own` when it is this tab's. */
  onChange(own: boolean): void;
}

export interface Presence {
  /** Some tab of the visitor is visible. */
  someoneSees(): boolean;
  /** Someone sees the open chat window. */
  watching(): boolean;
}

export function createPresence(deps: PresenceDeps): Presence {
  const { shared, tabs, lifetime } = deps;
  const others = new Map<string, { visible: boolean; at: number }>();

  const announce = () => tabs.post({ type: 'presence', tab: tabs.id, visible: deps.isVisible() });
  lifetime.hold(
    tabs.onMessage((message) => {
      if (message.type !== 'presence') return;
      const before = others.get(message.tab);
      others.set(message.tab, { visible: message.visible, at: Date.now() });
      // A heartbeat that changes nothing must not cost a request.
      if (before?.visible !== message.visible) deps.onChange(false);
    }),
  );
  lifetime.hold(
    deps.onVisibilityChange(() => {
      announce();
      deps.onChange(true);
    }),
  );
  const heartbeat = setInterval(announce, HEARTBEAT_MS);
  lifetime.hold(() => clearInterval(heartbeat));
  announce();

  const someoneSees = () => deps.isVisible() || [...others.values()].some((p) => p.visible && Date.now() - p.at < PRESENCE_TTL_MS);
  return {
    someoneSees,
    watching: () => someoneSees() && shared.state.value.open && shared.state.value.phase === 'chatWindow',
  };
}
