// What the demo bot knows: a few questions a shop's customers ask, matched by keywords.
export interface Answer {
  text: string;
  suggestions?: string[];
  /** The next message is an order number. */
  expectOrderNumber?: boolean;
}

export const MENU = ['Opening hours', 'Order status', 'Returns', 'Talk to an agent'];

const FAQ: { keywords: RegExp; answer: Answer }[] = [
  {
    keywords: /\b(open|opening|hours?|closed?|close|when)\b/i,
    answer: {
      text: 'We are open Monday to Friday, 8:00 to 20:00, and Saturday 9:00 to 17:00 (UTC). Our chat agents work the same hours.',
      suggestions: ['Order status', 'Returns'],
    },
  },
  {
    keywords: /\b(order|orders|tracking|track|parcel|package|delivery|shipped)\b/i,
    answer: { text: 'Sure — what is your order number? (It is in your confirmation e-mail, e.g. 12345.)', expectOrderNumber: true },
  },
  {
    keywords: /\b(return|returns|refund|exchange|send back)\b/i,
    answer: {
      text: 'You can return anything within 30 days, free of charge: print the label from your account page and drop the parcel at any post office. Refunds arrive within 5 working days.',
      suggestions: ['Order status', 'Talk to an agent'],
    },
  },
  {
    keywords: /\b(ship|shipping|postage|deliver)\b/i,
    answer: { text: 'Shipping is free above 50 €; standard delivery takes 2 to 4 working days.', suggestions: ['Order status', 'Returns'] },
  },
  {
    keywords: /^(hi|hello|hey|good (morning|afternoon|evening))\b/i,
    answer: { text: 'Hello! What can I do for you?', suggestions: MENU },
  },
];

export const AGENT_REQUEST = /\b(agent|human|person|someone|representative|operator)\b/i;

export function answer(text: string): Answer | null {
  for (const { keywords, answer } of FAQ) if (keywords.test(text)) return answer;
  return null;
}

/** An order number the customer typed (4 to 10 digits), or null. */
export function orderNumber(text: string): string | null {
  return /\b(\d{4,10})\b/.exec(text)?.[1] ?? null;
}

export function orderStatus(order: string): string {
  // A stable, made-up status per order number: enough for a demo.
  const statuses = ['is being packed and leaves our warehouse today', 'shipped yesterday and should arrive in 2 days', 'was delivered on Monday'];
  const status = statuses[Number(order.slice(-2)) % statuses.length];
  return `Order ${order} ${status}.`;
}
