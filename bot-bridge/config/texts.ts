// What the bridge itself tells the customer (as Notice entries). English defaults; a deployment
// replaces any of them with BRIDGE_TEXTS=<file.json>. `{queue}` and `{agent}` are filled in.
export const DEFAULT_TEXTS = {
  queued: 'You are in the {queue} queue. An agent will be with you shortly.',
  transfer: 'Your chat is being forwarded. Please wait.',
  agentLeftBackToBot: 'The agent has left the chat. You are back with our assistant.',
  conversationEnded: 'The chat has ended.',
  botTimeout: 'Sorry, our assistant is taking too long to answer. Please try again in a moment.',
  botUnavailable: 'Sorry, our assistant is not available right now. Please try again later.',
  botUnavailableHandover: 'Our assistant is not available right now, so we are connecting you to an agent.',
  messageNotDelivered: 'Sorry, your message "{text}" could not be delivered to the agent.',
  idleTimeout: 'The chat ended because the customer was inactive.',
};

export type Texts = typeof DEFAULT_TEXTS;

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : undefined) ?? whole);
}
