import { useEffect, useRef, useState } from 'preact/hooks';
import { useRefusalText } from './Attach';
import { useT, useWidget } from './context';
import { Composer } from './Composer';
import { Messages } from './Messages';
import { Named } from './Named';
import { agentOfLines, type Item } from '../core';

function logText(transcript: Item[], outbox: { text: string; files?: { name: string }[] }[], t: (key: string, vars?: Record<string, string | undefined>) => string): string {
  const agents = agentOfLines(transcript);
  const lines = transcript.map((item, i) => {
    const at = new Date(item.at).toISOString().replace('T', ' ').slice(0, 19);
    if (item.kind === 'message') return `[${at}] ${item.from === 'customer' ? t('youLabel') : item.name || t('agent')}: ${item.text}`;
    return `[${at}] ${item.key === 'notice' ? item.text : t(item.key, { agent: agents[i] })}`;
  });
  for (const o of outbox) lines.push(`${t('youLabel')}: ${o.text || (o.files ?? []).map((f) => f.name).join(', ')} (${t('statusFailed')})`);
  return `${t('chatLogTitle')}\n${t('chatLogDescription')}\n\n${lines.join('\n')}\n`;
}

/** Saves the log as a text file, from inside the shadow root (the host page is not touched). */
function save(text: string, from: HTMLElement) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `chat-${new Date().toISOString().slice(0, 10)}.txt`;
  link.hidden = true;
  // The link sits in the Save button: its click must not bubble into the button's handler again
  // (Chromium then saved the log ten times), nor out to the page.
  link.addEventListener('click', (event) => event.stopPropagation());
  from.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The end-of-chat question; "No" has the focus, so Enter or Escape keeps the chat. */
function ConfirmEnd() {
  const widget = useWidget();
  const t = useT();
  const no = useRef<HTMLButtonElement>(null);
  useEffect(() => no.current?.focus(), []);
  return (
    <div class="confirm-close" role="alertdialog" aria-labelledby="parley-confirm-text">
      <p id="parley-confirm-text">{t('endChatConfirmation')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void widget.confirmEnd(true)}>
          {t('yesButton')}
        </button>
        <button type="button" ref={no} onClick={() => void widget.confirmEnd(false)}>
          {t('noButton')}
        </button>
      </div>
    </div>
  );
}

export function ChatWindow() {
  const widget = useWidget();
  const t = useT();
  const { chat, typing, connection, transcript, outbox } = widget.state.value;
  // No chat yet means it is being requested: the customer may type already.
  const ended = chat?.status === 'ended';
  const confirming = widget.confirmingEnd.value;
  const closeButton = useRef<HTMLButtonElement>(null);
  // When the chat ends, the control the customer used may be gone: give focus to "Close",
  // unless the focus is somewhere on the page the customer went to.
  useEffect(() => {
    if (!ended) return;
    const root = closeButton.current?.getRootNode() as ShadowRoot | undefined;
    if (root && (root.activeElement === null || root.activeElement === document.body) && (document.activeElement === document.body || document.activeElement === root.host)) {
      closeButton.current?.focus();
    }
  }, [ended]);

  // Files dropped anywhere on the window are sent (where uploads are offered); a drop never opens the file in the page.
  const refusalText = useRefusalText();
  const [dragging, setDragging] = useState(false);
  const [refused, setRefused] = useState('');
  const windowRef = useRef<HTMLDivElement>(null);
  const latest = useRef({ widget, ended, refusalText });
  latest.current = { widget, ended, refusalText };
  // Listeners added by hand: the same in every engine (and in happy-dom, which lacks ondragover).
  useEffect(() => {
    const el = windowRef.current;
    if (!el) return;
    const carriesFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files');
    const allowed = () => !!latest.current.widget.files.value && !latest.current.ended;
    const over = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = allowed() ? 'copy' : 'none';
      setDragging(allowed());
    };
    const leave = (e: DragEvent) => {
      if (!el.contains(e.relatedTarget as Node | null)) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      setDragging(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length && allowed()) void latest.current.widget.attach(files).then((r) => setRefused(latest.current.refusalText(r)));
    };
    el.addEventListener('dragover', over);
    el.addEventListener('dragleave', leave);
    el.addEventListener('drop', drop);
    return () => {
      el.removeEventListener('dragover', over);
      el.removeEventListener('dragleave', leave);
      el.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <div class={`chat-window${dragging ? ' dragging' : ''}`} ref={windowRef}>
      {dragging && (
        <p class="drop-zone" aria-hidden="true">
          {t('dropFiles')}
        </p>
      )}
      {connection === 'lost' && !ended && (
        <p class="connection chat-error-msg" role="status">
          {t('chatDisconnected')}
        </p>
      )}
      {ended && (
        <div class="chat-log-header">
          <h3>{t('chatLogTitle')}</h3>
          <p>{t('chatLogDescription')}</p>
        </div>
      )}
      <Messages />
      <div class="status-line" aria-live="polite">
        {chat?.status === 'queued' && chat.queuePosition ? t('queuePosition', { position: chat.queuePosition }) : ''}
        {typing !== null && !ended ? typing ? <Named text={(name) => t('agentTypingName', { agent: name })} name={typing} /> : t('agentTyping') : ''}
      </div>
      {confirming ? (
        <ConfirmEnd />
      ) : ended ? (
        <div class="actions log-actions">
          <button type="button" onClick={(e) => save(logText(transcript, outbox, t), e.currentTarget as HTMLElement)}>
            {t('saveButton')}
          </button>
          <button type="button" class="primary" ref={closeButton} onClick={() => void widget.close('user')}>
            {t('closeChatButton')}
          </button>
        </div>
      ) : (
        <Composer refused={refused} />
      )}
    </div>
  );
}
