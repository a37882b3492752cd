// The cards UI is its own chunk (src/ui/cards/), loaded the first time a message with cards shows:
// a chat without cards never downloads it. Until it arrives (or if it cannot load) the message
// shows the server's fallback text.
import { useEffect, useState } from 'preact/hooks';

type CardsModule = typeof import('./cards');

let loaded: CardsModule | null = null;
let loading: Promise<CardsModule | null> | null = null;

export function useCardsModule(wanted: boolean): CardsModule | null {
  const [, rerender] = useState(0);
  if (wanted && !loaded && !loading) {
    loading = import('./cards')
      .then((module) => (loaded = module))
      .catch(() => {
        // Tried again the next time a card shows (a network blip must not lose cards for good).
        loading = null;
        return null;
      });
  }
  useEffect(() => {
    if (wanted && !loaded) void loading?.then((m) => m && rerender((n) => n + 1));
  }, [wanted]);
  return wanted ? loaded : null;
}
