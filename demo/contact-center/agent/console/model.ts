import { computed, signal } from '@preact/signals';
import { api, type Entry, type InteractionView, type Queue } from './api';

const AGENT_KEY = 'parley-agent-console-name';

function slug(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'agent'
  );
}

/** The console's state: who is signed in, the interactions, the one selected and its transcript. */
export function createConsoleModel() {
  const agentName = signal<string | null>(sessionStorage.getItem(AGENT_KEY));
  const agentId = computed(() => (agentName.value ? `agent-${slug(agentName.value)}` : null));
  const interactions = signal<InteractionView[]>([]);
  const queues = signal<Queue[]>([]);
  const selectedId = signal<string | null>(null);
  const transcript = signal<Entry[]>([]);
  const error = signal<string | null>(null);
  const selected = computed(() => interactions.value.find((i) => i.id === selectedId.value) ?? null);

  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let typingSent = false;

  const guard = async (work: () => Promise<unknown>) => {
    try {
      error.value = null;
      await work();
      await refresh();
    } catch (e) {
      error.value = (e as Error).message;
    }
  };

  async function refresh(): Promise<void> {
    try {
      interactions.value = await api.interactions();
      if (selectedId.value) transcript.value = await api.transcript(selectedId.value);
    } catch (e) {
      error.value = `The emulator does not answer: ${(e as Error).message}`;
    }
  }

  return {
    agentName,
    agentId,
    interactions,
    queues,
    selected,
    selectedId,
    transcript,
    error,
    refresh,
    async start() {
      queues.value = await api.queues().catch(() => []);
      await refresh();
      setInterval(() => void refresh(), 1000);
    },
    signIn(name: string) {
      const trimmed = name.trim();
      if (!trimmed) return;
      sessionStorage.setItem(AGENT_KEY, trimmed);
      agentName.value = trimmed;
    },
    signOut() {
      sessionStorage.removeItem(AGENT_KEY);
      agentName.value = null;
    },
    select(id: string) {
      selectedId.value = id;
      transcript.value = [];
      void refresh();
    },
    accept: (id: string) => guard(() => api.accept(id, agentId.value!, agentName.value!)),
    send: (id: string, text: string) =>
      guard(async () => {
        clearTimeout(typingTimer);
        typingSent = false;
        await api.send(id, text);
      }),
    /** Typing goes out when it starts and stops after 3 s without a keystroke, never per key. */
    typed(id: string) {
      if (!typingSent) {
        typingSent = true;
        void api.typing(id, true).catch(() => undefined);
      }
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        typingSent = false;
        void api.typing(id, false).catch(() => undefined);
      }, 3000);
    },
    sendFile: (id: string, file: File) => guard(() => api.sendFile(id, file)),
    transfer: (id: string, queueId: string) => guard(() => api.transfer(id, queueId)),
    leave: (id: string) => guard(() => api.leave(id)),
  };
}

export type ConsoleModel = ReturnType<typeof createConsoleModel>;
