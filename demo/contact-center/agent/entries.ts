// What the agent API shows of a transcript: every entry as recorded (cards, a reply's value),
// files with a fresh signed link on this origin (the console's <img> and download links).
import type { Entry } from '../core';
import type { FileStore } from '../files';

export function agentEntry(entry: Entry, files: FileStore) {
  if (!entry.attachments?.length) return entry;
  return { ...entry, attachments: entry.attachments.map((file) => ({ ...file, url: files.link(file.id) })) };
}
