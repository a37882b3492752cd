// Who may see what: the customer is anonymous (no Authorization header, ever), every request names
// its contact center (ContactCenterId, 403 statusCode 3 when missing or unknown), and a chat is
// visible only to its own contact center (404 statusCode 6 otherwise: no hint that it exists).
import { chatEnded, forbidden, notFound } from './envelope';
import { CHAT_ID } from './wire';

export interface ContactCenterRulesOptions<Chat> {
  contactCenterIds: readonly string[];
  /** The chat with this id, whoever it belongs to; undefined when there is none. */
  lookup(id: string): Chat | undefined | Promise<Chat | undefined>;
  /** Which contact center the chat belongs to. */
  ownerOf(chat: Chat): string | null;
  /** Whether the chat is over (Idle): nothing is valid on it any more. */
  ended(chat: Chat): boolean;
}

export interface ContactCenterRules<Chat> {
  /** The request's contact center, from its headers; throws 403 statusCode 3. */
  contactCenterOf(headers: { authorization?: string | undefined; contactcenterid?: string | string[] | undefined }): string;
  /** The chat this contact center may see; throws 404 statusCode 6. */
  chat(id: string, contactCenterId: string): Promise<Chat>;
  /** The chat, if it has not ended; throws 400 statusCode 2. */
  open(chat: Chat): Chat;
}

export function contactCenterRules<Chat>(options: ContactCenterRulesOptions<Chat>): ContactCenterRules<Chat> {
  const known = new Set(options.contactCenterIds);
  return {
    contactCenterOf(headers) {
      if (headers.authorization !== undefined) {
        throw forbidden('The Customer Chat API is anonymous: requests must not carry an Authorization header');
      }
      const header = headers.contactcenterid;
      if (header === undefined || header === '') throw forbidden('Missing ContactCenterId header: say which contact center serves this chat');
      if (Array.isArray(header) || !known.has(header)) throw forbidden('Unknown ContactCenterId: no contact center has this id');
      return header;
    },

    async chat(id, contactCenterId) {
      // Not an id we could have made: no need to look (the store never sees junk keys).
      if (!CHAT_ID.test(id)) throw notFound();
      const chat = await options.lookup(id);
      if (chat === undefined || options.ownerOf(chat) !== contactCenterId) throw notFound();
      return chat;
    },

    open(chat) {
      if (options.ended(chat)) throw chatEnded();
      return chat;
    },
  };
}
