// What a message carries besides its text: cards, suggested replies, files, a reply's value.
import type { Entry } from './api';
import { Cards, QuickReplies } from './cards';
import { Attachments } from './files';

export function Rich({ entry }: { entry: Pick<Entry, 'cards' | 'layout' | 'attachments' | 'quickReplies' | 'value'> }) {
  return (
    <>
      {entry.cards && entry.cards.length > 0 && <Cards cards={entry.cards} layout={entry.layout} />}
      {entry.quickReplies && entry.quickReplies.length > 0 && <QuickReplies replies={entry.quickReplies} />}
      {entry.attachments && entry.attachments.length > 0 && <Attachments files={entry.attachments} />}
      {entry.value && (
        <p class="reply-value">
          Sent with the data <code>{JSON.stringify(entry.value)}</code>
        </p>
      )}
    </>
  );
}
