// One handover per customer at a time, even without an Idempotency-Key: a bot's HTTP client that
// retries after a timeout, or a double submit, must not make a second gateway conversation. The
// request names its customer (user.userId, user.id or user.email) and its callback URL; while a
// handover for those is open, asking again returns it. Once it has ended, the next request makes a
// new one.
import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../../store';
import type { GatewayUser, Primitive } from '../../sessions/types';

/** A claimed id with no session yet is a request still being served (or refused, 409) this recently. */
const CLAIM_FRESH_MS = 60_000;

/**
 * Who is asking, for whom, answered where: null when the request names no customer (then only an
 * Idempotency-Key can tell a retry from another customer's handover, so none is derived).
 */
export function openHandoverKey(apiKey: string, user: GatewayUser, extra: Record<string, Primitive>, callbackUrl: string): string | null {
  const customer = user.userId ?? (extra.id !== undefined ? String(extra.id) : undefined) ?? user.email?.toLowerCase();
  if (!customer) return null;
  return createHash('sha256')
    .update(JSON.stringify([createHash('sha256').update(apiKey).digest('hex'), customer, callbackUrl]))
    .digest('hex');
}

/**
 * The id of the open handover for `key`, or a new id to create it with. Ids are claimed per
 * generation (first writer wins, so concurrent requests agree); an ended handover moves the
 * generation on exactly once (the counter's onceId), so concurrent requests after it agree too.
 */
export async function openHandoverId(store: Store, key: string): Promise<string> {
  const name = `open-handover:${key}`;
  let generation = await store.getCounter(name, 'generation');
  for (let step = 0; step < 1000; step++) {
    const mine = `${randomUUID()} ${Date.now()}`;
    const held = await store.claimSetting(`${name}:${generation}`, mine);
    const [id, at] = held.split(' ') as [string, string];
    const session = await store.getSession(id);
    // No session: being created right now, or refused a moment ago (retrying it is fine), or long
    // ended and purged (then it is history, and must not come back under the same id).
    const open = session ? session.state !== 'ended' : held === mine || Date.now() - Number(at) < CLAIM_FRESH_MS;
    if (open) return id;
    generation = await store.incrCounter(name, 'generation', 1, id);
  }
  throw new Error('open handover: too many generations');
}
