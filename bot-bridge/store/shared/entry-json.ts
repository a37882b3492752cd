// How both drivers keep a transcript entry: as JSON without its idempotency key (which is stored
// beside it), the index coming from where the entry is stored.
import type { Entry, NewEntry } from '../ports';

export function entryJson(entry: NewEntry): string {
  const { key: _key, ...rest } = entry;
  return JSON.stringify(rest);
}

export const entryAt = (json: string, index: number): Entry => ({ ...(JSON.parse(json) as Omit<Entry, 'index'>), index });
