// Entry notices with SQLite: one bridge process, so its watchers are all here and hear at once.
import type { EntryNotices } from '../ports';
import { localWatchers } from '../shared';

export function sqliteNotices(): EntryNotices {
  const watchers = localWatchers();
  return {
    announceEntries: (sessionId) => watchers.wake(sessionId),
    watchEntries: async (sessionId, wake) => watchers.watch(sessionId, wake),
    watchedSessions: () => watchers.sessions(),
  };
}
