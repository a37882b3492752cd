// Every Redis key of the store, under the deployment's prefix (BRIDGE_REDIS_PREFIX), by port. The
// Lua scripts get the prefix as ARGV[1] (`P`) and build the same names themselves (they compute
// keys, which is why Cluster is not supported); a name changed here changes in its script too.
//
// sessions      s:<id>           hash: doc, v (version), kind, state, cursor (the last entry read)
//               states           hash: state → how many sessions are in it
//               seen             sorted set: the sessions idleSessions() watches, by when last seen
//               ended            sorted set: ended sessions, by when they ended (the purge takes
//                                those past the retention out of the `states` count as they expire)
//               conv:<convId>    string: the session a gateway conversation (or `ref:<ref>`) is bound to
//               sb:<id>          set: the conversation ids bound to the session (they expire with it)
//               tr:<id>          list: the transcript, entry JSON (index = position + 1)
//               trk:<id>         hash: entry idempotency key → index
// inbox         in:<eventId>     string: the event id was seen (dedupe)
//               inp:<convId>     hash: event id → `<seq>|<event JSON>`, while not done
//               inseq            string: arrival sequence of the inbox
// outbox        ob:j:<id>        hash: one job
//               ob:q:<queue>     sorted set: the queue's job ids (the head is the lowest)
//               ob:ready         sorted set: queues, by when their head is due (or its lease ends)
//               ob:k:<key>       string: the idempotency key was used
//               ob:seq, ob:n     strings: the last job id, how many jobs wait
//               ob:dead          list: buried jobs (the latest 1,000)
//               ob:u:<origin>    hash: level (the origin's recent jobs, draining), at; expires once drained
// coordination  set              hash: settings (kept for good)
//               cl:<key>         string: a first writer's claim (claimSetting)
//               c:<key>          hash: field → count, and once:<id> → 1
//               l:<name>         string: a lease's owner
//               rl:<key>         string: the rate limit's next free slot (ms, Redis time)
// offline       off              sorted set: offline message JSON, by arrival
// files         f:<id>           hash: meta (JSON), b (the bytes); the retention from when stored
//
// What may be forgotten expires after the retention (RETENTION_DAYS), and nothing a live chat
// needs does:
// - a session, its transcript (tr:, trk:), its bindings (sb:, and each conv: it lists) and the
//   counters of its conversations (c:conv:<convId>): no TTL while the chat lives, the retention from
//   when it ends (and from any later write: an entry or a binding that comes after the end);
// - in:, inp:, ob:k:, cl: and every other c: key: the retention from when they were last written;
// - ob:dead and off: the retention from the last one added, and the hourly purge drops the members
//   older than that (a list or a sorted set has no TTL per member);
// - l: and rl: live milliseconds to seconds; ob:u: until its level has drained (seconds to minutes).
// The rest (states, seen, ended, inseq, ob:seq, ob:n, ob:ready, ob:q:<queue> while it has jobs,
// ob:j:<id> until its job is done, set) is the store's own bookkeeping: bounded, or kept by design.
export function redisKeys(P: string) {
  return {
    session: (id: string) => `${P}s:${id}`,
    states: `${P}states`,
    seen: `${P}seen`,
    ended: `${P}ended`,
    sessionBindings: (id: string) => `${P}sb:${id}`,
    conversation: (conversationId: string) => `${P}conv:${conversationId}`,
    transcript: (id: string) => `${P}tr:${id}`,
    transcriptKeys: (id: string) => `${P}trk:${id}`,
    inboxPending: (conversationId: string) => `${P}inp:${conversationId}`,
    ready: `${P}ob:ready`,
    depth: `${P}ob:n`,
    dead: `${P}ob:dead`,
    settings: `${P}set`,
    claim: (key: string) => `${P}cl:${key}`,
    counters: (key: string) => `${P}c:${key}`,
    lease: (name: string) => `${P}l:${name}`,
    rate: (key: string) => `${P}rl:${key}`,
    offline: `${P}off`,
    file: (id: string) => `${P}f:${id}`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
