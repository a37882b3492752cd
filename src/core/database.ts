// The widget's IndexedDB database: its name, and the cheap check of whether this visitor has one.
// Free of dependencies: the loader uses it too.

export const DB_NAME = 'parley';

/** Whether the database exists, if the browser can tell without opening it (`indexedDB.databases`); null if not. */
export async function databaseListed(): Promise<boolean | null> {
  if (typeof indexedDB.databases !== 'function') return null;
  return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
}
