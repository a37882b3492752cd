// Fair claims, the same in both drivers: from candidates ranked by their origin's recent use (then
// by how long they have been due), take `limit`, counting each pick against its origin as it is
// made, so a claim of 16 from one busy origin and one idle one alternates them instead of taking
// the busy one's 16 queues because they were ranked first.
export interface Candidate {
  origin: string;
  /** The origin's count of recent jobs (drained to now) before this claim. */
  used: number;
}

export function pickFairly<C extends Candidate>(ranked: C[], limit: number): C[] {
  const picked: C[] = [];
  const extra = new Map<string, number>();
  const left = [...ranked];
  while (picked.length < limit && left.length) {
    let best = 0;
    let bestUse = Infinity;
    for (let i = 0; i < left.length; i++) {
      const use = left[i]!.used + (extra.get(left[i]!.origin) ?? 0);
      // Strictly less: among equals the one ranked first (the longest due) wins.
      if (use < bestUse) {
        best = i;
        bestUse = use;
      }
    }
    const [chosen] = left.splice(best, 1);
    picked.push(chosen!);
    extra.set(chosen!.origin, (extra.get(chosen!.origin) ?? 0) + 1);
  }
  return picked;
}
