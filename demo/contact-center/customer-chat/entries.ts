// A transcript entry as the Customer Chat API hands it out: files with a fresh signed URL on
// every answer (an old one expires), a readable `text` on every message with cards or files (and
// `body`, the author's own words, for a client that shows the cards and files themselves), and
// nothing that is only the contact center's (a reply's value).
import type { Attachment, Entry as WireEntry } from '../../../bot-bridge/customer-chat-api';
import { fallbackText } from '../cards';
import type { Entry, FileRef } from '../core';
import type { FileStore } from '../files';

export function attachmentView(file: FileRef, files: FileStore, origin: string): Attachment {
  return { id: file.id, name: file.name, contentType: file.contentType, size: file.size, url: `${origin}${files.link(file.id)}` };
}

export function entryView(entry: Entry, files: FileStore, origin: string): WireEntry {
  const { value: _value, attachments, ...rest } = entry;
  if (entry.type !== 'Text' || (!entry.cards && !attachments && entry.value === undefined)) return rest;
  const view: WireEntry = { ...rest, text: fallbackText(entry.text, entry.cards, attachments), body: entry.text?.trim() ? entry.text : '' };
  if (attachments?.length) view.attachments = attachments.map((file) => attachmentView(file, files, origin));
  return view;
}
