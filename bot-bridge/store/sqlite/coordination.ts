// Settings, claims, counters, leases and the shared rate limit in SQLite: a row per key. With one
// process per file there is little to coordinate, but the semantics are the Redis driver's: settings
// are kept for good, claims and counters are forgotten by the purge after the retention.
import type { CoordinationStore } from '../ports';
import { immediate, type Db } from './database';

export function sqliteCoordination(db: Db): CoordinationStore {
  const s = {
    getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
    setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    // A claim made before claims had a table of their own (in settings) still holds.
    claim: db.prepare('INSERT OR IGNORE INTO claims (key, value, created_at) SELECT @key, @value, @now WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = @key)'),
    getClaim: db.prepare<[string], { value: string }>('SELECT value FROM claims WHERE key = ?'),
    written: db.prepare('INSERT INTO counter_writes (key, at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET at = excluded.at'),
    incr: db.prepare<[string, string, number], { value: number }>(
      'INSERT INTO counters (key, field, value) VALUES (?, ?, ?) ON CONFLICT (key, field) DO UPDATE SET value = value + excluded.value RETURNING value',
    ),
    counter: db.prepare<[string, string], { value: number }>('SELECT value FROM counters WHERE key = ? AND field = ?'),
    lease: db.prepare(
      'INSERT INTO leases (name, owner, until) VALUES (@name, @owner, @until) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.owner = excluded.owner OR leases.until <= @now',
    ),
    unlease: db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?'),
    rate: db.prepare<[string], { tat: number }>('SELECT tat FROM rate WHERE key = ?'),
    setRate: db.prepare('INSERT INTO rate (key, tat) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET tat = excluded.tat'),
  };

  return {
    async getSetting(key: string): Promise<string | null> {
      return s.getSetting.get(key)?.value ?? s.getClaim.get(key)?.value ?? null;
    },

    async setSetting(key: string, value: string): Promise<void> {
      s.setSetting.run(key, value);
    },

    async claimSetting(key: string, value: string): Promise<string> {
      return immediate(db, () => {
        s.claim.run({ key, value, now: Date.now() });
        return (s.getSetting.get(key) ?? s.getClaim.get(key))!.value;
      });
    },

    async incrCounter(key: string, field: string, by = 1, onceId?: string): Promise<number> {
      return immediate(db, () => {
        if (onceId !== undefined && s.incr.get(key, `once:${onceId}`, 1)!.value > 1) return s.counter.get(key, field)?.value ?? 0;
        s.written.run(key, Date.now());
        return s.incr.get(key, field, by)!.value;
      });
    },

    async counted(key: string, onceId: string): Promise<boolean> {
      return (s.counter.get(key, `once:${onceId}`)?.value ?? 0) > 0;
    },

    async getCounter(key: string, field: string): Promise<number> {
      return s.counter.get(key, field)?.value ?? 0;
    },

    async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
      const now = Date.now();
      return s.lease.run({ name, owner, until: now + ttlMs, now }).changes === 1;
    },

    async unlease(name: string, owner: string): Promise<void> {
      s.unlease.run(name, owner);
    },

    async reserveSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number> {
      return immediate(db, () => {
        const now = Date.now();
        const tat = s.rate.get(key)?.tat ?? 0;
        const start = Math.max(tat, now);
        const wait = Math.max(0, Math.ceil(start - now));
        // A refused caller makes no call: moving the line on for it would push every later caller out too.
        if (wait <= maxWaitMs) s.setRate.run(key, start + intervalMs);
        return wait;
      });
    },
  };
}
