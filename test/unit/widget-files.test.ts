// Customer files in the conversation core, with the transport and the blob store faked: the limits
// GetChat advertises, refusals before any upload, upload then SendMessage once, a reload between
// them, cancel, retry after the server refused, and a reply button's value.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConversation } from '../../src/core/conversation';
import { ChatRequestError, createShared, memoryStore, type BlobStore, type SharedState, type Store } from '../../src/core';
import { fakeChatApi, tabGroup } from '../support/widget-fakes';

const LIMITS = { maxBytes: 1000, contentTypes: ['image/png', 'application/pdf'] };

function memoryBlobs(): BlobStore & { keys(): string[] } {
  const blobs = new Map<string, Blob>();
  return {
    put: async (key, blob) => void blobs.set(key, blob),
    get: async (key) => blobs.get(key),
    delete: async (key) => void blobs.delete(key),
    keys: () => [...blobs.keys()],
  };
}

function setup(server = fakeChatApi({ files: LIMITS }), store: Store<SharedState> = memoryStore<SharedState>(), blobs = memoryBlobs()) {
  const tabs = tabGroup().make(true);
  const shared = createShared(store, tabs);
  let n = 0;
  const conversation = createConversation({
    client: server.client,
    shared,
    tabs,
    isVisible: () => true,
    onVisibilityChange: () => () => {},
    notify: vi.fn(),
    intervals: { watching: 50, visible: 50, hidden: 50 },
    random: () => 0,
    newId: () => `id-${++n}-${Math.random().toString(36).slice(2, 6)}`,
    blobs,
  });
  cleanups.push(conversation.destroy);
  return { server, shared, conversation, blobs, store };
}

const png = (name = 'photo.png', size = 100) => new File([new Uint8Array(size)], name, { type: 'image/png' });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, ms = 4000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await wait(10);
  }
};

let cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((fn) => fn()));

async function started(a: ReturnType<typeof setup>) {
  await a.conversation.request({ nickname: 'Chris', userData: {}, startedBy: 'user' });
  await until(() => a.shared.state.value.chat?.files !== undefined);
}

describe('customer files', () => {
  it('learns the limits from GetChat, and refuses a file too large or of another type before any upload', async () => {
    const a = setup();
    await started(a);
    expect(a.shared.state.value.chat?.files).toEqual(LIMITS);
    const refused = await a.conversation.attach([png('big.png', 1001), new File(['x'], 'notes.exe', { type: 'application/x-msdownload' }), png('empty.png', 0)], LIMITS);
    expect(refused).toEqual([
      { name: 'big.png', reason: 'fileTooLarge' },
      { name: 'notes.exe', reason: 'fileTypeRefused' },
      { name: 'empty.png', reason: 'fileTooLarge' },
    ]);
    expect(a.server.calls).not.toContain('upload');
    expect(a.shared.state.value.outbox).toEqual([]);
  });

  it('has no limits where GetChat advertises no files', async () => {
    const a = setup(fakeChatApi());
    await started(a);
    expect(a.shared.state.value.chat?.files).toBeNull();
  });

  it('uploads a file, sends it once with its id, shows it from the transcript and forgets the bytes', async () => {
    const a = setup();
    await started(a);
    expect(await a.conversation.attach([png()], LIMITS)).toEqual([]);
    await until(() => a.shared.state.value.outbox.length === 0 && a.shared.state.value.transcript.some((i) => i.kind === 'message'));
    expect(a.server.uploads).toEqual([{ id: 'file-1', name: 'photo.png', size: 100 }]);
    expect(a.server.sends).toMatchObject([{ text: '', attachments: [{ id: 'file-1' }] }]);
    const line = a.shared.state.value.transcript.find((i) => i.kind === 'message');
    expect(line).toMatchObject({ from: 'customer', text: 'File: photo.png', body: '', attachments: [{ id: 'file-1', name: 'photo.png' }] });
    expect(a.blobs.keys()).toEqual([]);
  });

  it('takes fresh links for the files when a picture fails to load (links expire), and changes nothing else', async () => {
    const a = setup();
    await started(a);
    await a.conversation.attach([png()], LIMITS);
    await until(() => a.shared.state.value.transcript.some((i) => i.kind === 'message' && !!i.attachments));
    const before = a.shared.state.value.transcript;
    const entry = a.server.transcript.find((e) => e.attachments)!;
    entry.attachments = entry.attachments!.map((f) => ({ ...f, url: `${f.url}?fresh` }));
    entry.text = 'changed on the server';
    const whole = () => a.server.polls.filter((p) => p.index === 1).length;
    const asked = whole();
    await a.conversation.refreshFiles();
    const line = a.shared.state.value.transcript.find((i) => i.kind === 'message' && !!i.attachments);
    expect(line).toMatchObject({ text: 'File: photo.png', attachments: [{ url: 'https://files.example/file-1?fresh' }] });
    expect(a.shared.state.value.transcript).toHaveLength(before.length);
    expect(whole()).toBe(asked + 1);
    // A second failure right after does not ask again.
    await a.conversation.refreshFiles();
    expect(whole()).toBe(asked + 1);
  });

  it('after a reload between the upload and the send, sends the message once and uploads nothing again', async () => {
    const server = fakeChatApi({ files: LIMITS });
    const store = memoryStore<SharedState>();
    const blobs = memoryBlobs();
    const a = setup(server, store, blobs);
    await started(a);
    await a.shared.allowPersist();
    // The first SendMessage fails before the server does anything: the tab then "reloads".
    server.failNext(1);
    await a.conversation.attach([png()], LIMITS);
    await until(() => a.shared.state.value.outbox[0]?.status === 'retrying');
    expect(a.shared.state.value.outbox[0]?.files?.[0]?.uploaded).toBe('file-1');
    a.conversation.destroy();

    const b = setup(server, store, blobs);
    await b.shared.hydrate();
    await until(() => b.shared.state.value.outbox.length === 0 && b.shared.state.value.transcript.some((i) => i.kind === 'message' && i.from === 'customer'), 8000);
    expect(server.uploads).toHaveLength(1);
    expect(server.transcript.filter((e) => e.type === 'Text')).toHaveLength(1);
  });

  it('reports the upload progress, and cancel stops the file: no SendMessage, no bytes kept', async () => {
    const a = setup();
    await started(a);
    const release = a.server.holdUploads();
    await a.conversation.attach([png()], LIMITS);
    await until(() => a.conversation.progress.value[a.shared.state.value.outbox[0]!.id] === 0.5);
    await a.conversation.cancel(a.shared.state.value.outbox[0]!.id);
    release();
    await wait(200);
    expect(a.shared.state.value.outbox).toEqual([]);
    expect(a.server.sends).toEqual([]);
    expect(a.blobs.keys()).toEqual([]);
    expect(a.conversation.progress.value).toEqual({});
  });

  it('says why the server refused a file, and sends it when the customer retries', async () => {
    const a = setup();
    await started(a);
    a.server.failUploads(new ChatRequestError('invalid', 'Too large', 413, 8));
    await a.conversation.attach([png()], LIMITS);
    await until(() => a.shared.state.value.outbox[0]?.status === 'failed');
    expect(a.shared.state.value.outbox[0]?.error).toBe('fileTooLarge');
    expect(a.blobs.keys()).toHaveLength(1);
    await a.conversation.retry(a.shared.state.value.outbox[0]!.id);
    await until(() => a.shared.state.value.outbox.length === 0);
    expect(a.server.uploads).toHaveLength(1);
    expect(a.server.sends).toHaveLength(1);
  });

  it('a file whose bytes are gone (storage was blocked, then a reload) shows as lost, not as sent', async () => {
    const server = fakeChatApi({ files: LIMITS });
    const store = memoryStore<SharedState>();
    const a = setup(server, store);
    await started(a);
    await a.shared.allowPersist();
    const release = server.holdUploads();
    await a.conversation.attach([png()], LIMITS);
    a.conversation.destroy();
    release();
    const b = setup(server, store, memoryBlobs());
    await b.shared.hydrate();
    await until(() => b.shared.state.value.outbox[0]?.status === 'failed');
    expect(b.shared.state.value.outbox[0]?.error).toBe('fileLost');
  });

  it('a reply button sends its text with its value and marks the message replied', async () => {
    const a = setup();
    await started(a);
    a.server.add('Text', 'External', { text: 'Pick one', body: '', cards: [{ title: 'Size', buttons: [{ type: 'reply', title: 'Large', value: { size: 'L' } }] }] });
    await until(() => a.shared.state.value.transcript.some((i) => i.kind === 'message' && !!i.cards));
    const card = a.shared.state.value.transcript.find((i) => i.kind === 'message' && !!i.cards)!;
    expect(card).toMatchObject({ body: '', layout: 'list', cards: [{ title: 'Size' }] });
    await a.conversation.reply(card.index!, 'Large', { size: 'L' });
    await until(() => a.server.sends.length === 1);
    expect(a.server.sends[0]).toMatchObject({ text: 'Large', value: { size: 'L' } });
    expect(a.shared.state.value.transcript.find((i) => i.index === card.index)).toMatchObject({ replied: true });
  });
});
