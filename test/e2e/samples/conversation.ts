// A customer on the Customer Chat API of a bridge whose bot is one of Microsoft's samples: what the
// bot says (entries with cards, quick replies, fallback text), what the customer answers, and the
// check every sample test ends with: no bot turn failed.
import { expect } from 'vitest';
import { startBridge, type RunningBridge } from '../../support/bridge';
import { chatClient, eventually } from '../../support/emulator';
import { startSample, type RunningSample } from '../../support/samples';

export type Entry = {
  index: number;
  type: string;
  text?: string;
  body?: string;
  from: { type: string; nickname: string };
  quickReplies?: { title: string; payload: string }[];
  cards?: Record<string, any>[];
  layout?: string;
  attachments?: { id: string; name: string; contentType: string; size: number; url: string }[];
  notice?: { event?: string };
};

const BOT_ERROR = /The bot encountered an error/;

export interface SampleRig {
  sample: RunningSample;
  bridge: RunningBridge;
  close(): Promise<void>;
}

export async function sampleRig(name: string, emulatorUrl: string, overrides: Parameters<typeof startBridge>[0] = {}): Promise<SampleRig> {
  const sample = await startSample(name);
  // A bridge that fails to start leaves no rig to close: stop the sample's process here, or it
  // outlives the test run.
  const bridge = await startBridge({ ...overrides, gateway: { url: emulatorUrl }, bot: { endpoint: sample.endpoint, timeoutMs: 15_000, ...overrides.bot } }).catch(
    async (error: unknown) => {
      await sample.stop();
      throw error;
    },
  );
  return {
    sample,
    bridge,
    close: async () => {
      await bridge.close();
      await sample.stop();
    },
  };
}

/** One customer's chat with the sample. */
export async function customer(rig: SampleRig, nickname: string) {
  const chat = chatClient(rig.bridge.url);
  const id = await chat.requestChat({ nickname });
  const all = async () => (await chat.messages(id, 1)).body.messages as Entry[];
  let seen = 0;
  const botTexts = async () => (await all()).filter((m) => m.type === 'Text' && m.from.type === 'External');
  return {
    id,
    chat,
    all,
    /** The first bot entry after those already waited for whose text matches. */
    async botSays(pattern: RegExp, timeoutMs = 20_000): Promise<Entry> {
      return eventually(
        async () => {
          const list = await botTexts();
          const at = list.findIndex((m, i) => i >= seen && pattern.test(m.text ?? ''));
          if (at < 0) throw new Error(`the bot has not said ${pattern}; it said:\n${list.map((m) => m.text).join('\n---\n')}\n${rig.sample.output().slice(-2000)}`);
          seen = at + 1;
          return list[at]!;
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    async say(text: string, extra: Record<string, unknown> = {}) {
      const r = await chat.operation(id, { operationName: 'SendMessage', text, ...extra });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    },
    /** No bot turn failed: the customer never read the samples' onTurnError message, and the sample logged none. */
    async noBotErrors() {
      const texts = (await botTexts()).map((m) => m.text ?? '');
      expect(texts.filter((t) => BOT_ERROR.test(t))).toEqual([]);
      expect(rig.sample.output()).not.toContain('[onTurnError]');
    },
  };
}
