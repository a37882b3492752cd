// Copilot Studio's "Transfer to agent" sends handoff.initiate with its context in `va_*` fields
// (the last phrases, the topics, the bot's name, the language…). The agent gets them under names a
// person reads, lists joined; any other key of the bot's context is passed on as it is.
const NAMES: Record<string, string> = {
  va_BotName: 'Bot name',
  va_BotId: 'Bot id',
  va_LastTopic: 'Last topic',
  va_Topics: 'Topics',
  va_LastPhrases: 'Last phrases',
  va_Language: 'Language',
  va_AgentMessage: 'Message for the agent',
  va_ConversationId: 'Bot conversation',
};
/** Copilot Studio's own bookkeeping, of no use to an agent. */
const SKIPPED = new Set(['va_Scope']);

const joined = (value: unknown, separator: string): unknown => (Array.isArray(value) ? value.filter((v) => typeof v === 'string' || typeof v === 'number').join(separator) : value);

/** The bot's handoff context with Copilot Studio's fields named for the agent; anything not an object is left as it is. */
export function readableContext(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.some(([key]) => key.startsWith('va_'))) return value;
  const out: Record<string, unknown> = {};
  // The agent's message and the phrases first: why the customer is here.
  const order = (key: string) => (key === 'va_AgentMessage' ? 0 : key === 'va_LastPhrases' ? 1 : key.startsWith('va_') ? 3 : 2);
  for (const [key, v] of entries.sort(([a], [b]) => order(a) - order(b))) {
    if (SKIPPED.has(key) || v === undefined || v === null || v === '') continue;
    const name = NAMES[key] ?? key;
    out[name] = joined(v, key === 'va_LastPhrases' ? ' | ' : ', ');
  }
  return out;
}
