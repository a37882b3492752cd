// Group commit: calls arriving together (one I/O turn of the event loop) are written by one
// `write` (one transaction, one script call), and each call is answered once that write is done.
// Under load this turns thousands of webhook intakes a second into a few hundred writes.
export function groupCommit<I, O>(write: (items: I[]) => O[] | Promise<O[]>): (item: I) => Promise<O> {
  const batch: { item: I; resolve: (result: O) => void; reject: (error: unknown) => void }[] = [];

  async function flush(): Promise<void> {
    const taken = batch.splice(0);
    try {
      const results = await write(taken.map(({ item }) => item));
      taken.forEach(({ resolve }, i) => resolve(results[i]!));
    } catch (error) {
      for (const { reject } of taken) reject(error);
    }
  }

  return (item) =>
    new Promise((resolve, reject) => {
      batch.push({ item, resolve, reject });
      if (batch.length === 1) setImmediate(() => void flush());
    });
}
