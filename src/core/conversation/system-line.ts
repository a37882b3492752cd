// A system line of the transcript, stamped now (the window shows its text, by key, in the chat language).
import type { Item } from '../types';

export type SystemLine = Extract<Item, { kind: 'system' }>;

export const systemLine = (key: string, extra: Partial<SystemLine> = {}): Item => ({ kind: 'system', key, at: Date.now(), ...extra });
