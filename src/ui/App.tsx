import { useEffect, useRef } from 'preact/hooks';
import { RTL } from '../i18n/languages';
import { ChatWindow } from './ChatWindow';
import { useT, useWidget } from './context';
import { CHAT_ICON_PATH, CLOSE_ICON_PATH, MINIMIZE_ICON_PATH } from './icons';
import { Invitation, OfflineForm, PreChat } from './Panels';
import type { Phase } from '../core';

const TITLE_KEYS: Record<Phase, string> = {
  closed: 'chatTitle',
  invitation: 'chatTitle',
  preChat: 'chatTitle',
  chatWindow: 'chatTitle',
  offlineForm: 'offlineTitle',
};

function Icon({ path }: { path: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={path} />
    </svg>
  );
}

export function App({ webview, onCloseRequest }: { webview: boolean; onCloseRequest?: () => void }) {
  const widget = useWidget();
  const t = useT();
  const { phase, open, unread, chat } = widget.state.value;
  const language = widget.language.value;
  const shown = phase !== 'closed' && (open || webview);
  const panel = useRef<HTMLElement>(null);
  const launcher = useRef<HTMLButtonElement>(null);
  const wasShown = useRef(shown);

  // Focus moves into the window when it opens or changes step, and back to the launcher when it closes.
  const wasPhase = useRef(phase);
  useEffect(() => {
    const opened = shown && !wasShown.current;
    const stepped = shown && wasPhase.current !== phase;
    if (opened || stepped) panel.current?.querySelector<HTMLElement>('input, textarea, select, button.primary')?.focus();
    if (!shown && wasShown.current) launcher.current?.focus();
    wasShown.current = shown;
    wasPhase.current = phase;
  }, [shown, phase]);

  // In the chat window, a chat not yet created is about to be: it counts as active.
  const active = chat?.status !== 'ended';
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || webview) return;
    event.stopPropagation();
    if (widget.confirmingEnd.value) void widget.confirmEnd(false);
    else if (phase === 'chatWindow' && active) void widget.minimize();
    else void widget.end('user');
  };

  return (
    <div class={`parley ${webview ? 'webview' : ''}`} dir={RTL.has(language) ? 'rtl' : 'ltr'} lang={language}>
      {!webview && (
        <button
          type="button"
          class="launcher"
          ref={launcher}
          aria-expanded={shown}
          aria-label={unread ? `${t('openChat')} (${t('unreadLabel', { count: unread })})` : t('openChat')}
          onClick={() => void (shown ? widget.minimize() : widget.open())}
        >
          <Icon path={CHAT_ICON_PATH} />
          {unread > 0 && (
            <span class="badge" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </button>
      )}
      {webview && phase === 'closed' && (
        // The app normally closes its screen now; if it keeps it, the customer can start again.
        <div class="restart">
          <button type="button" class="primary" onClick={() => void widget.open()}>
            {t('openChat')}
          </button>
        </div>
      )}
      {shown && (
        <section class="container" role="dialog" aria-label={t(TITLE_KEYS[phase])} ref={panel} onKeyDown={onKeyDown}>
          <header class="header">
            <h2 class="title">{t(TITLE_KEYS[phase])}</h2>
            {phase === 'chatWindow' && active && (
              <button type="button" class="control end" onClick={() => void widget.end('user')}>
                {t('endChatButton')}
              </button>
            )}
            {webview ? (
              // In an app, closing is the app's business: the widget asks, the app closes its screen.
              <button type="button" class="control close" aria-label={t('closeChatButton')} title={t('closeChatButton')} onClick={() => onCloseRequest?.()}>
                <Icon path={CLOSE_ICON_PATH} />
              </button>
            ) : (
              <button
                type="button"
                class="control close"
                aria-label={phase === 'chatWindow' && active ? t('minimizeButton') : t('closeChatButton')}
                title={phase === 'chatWindow' && active ? t('minimizeButton') : t('closeChatButton')}
                onClick={() => void (phase === 'chatWindow' && active ? widget.minimize() : widget.end('user'))}
              >
                <Icon path={phase === 'chatWindow' && active ? MINIMIZE_ICON_PATH : CLOSE_ICON_PATH} />
              </button>
            )}
          </header>
          <div class="inner-container">
            {widget.scriptError.value && phase !== 'chatWindow' && <p class="chat-error-msg">{t('errorServerUnavailable')}</p>}
            {phase === 'invitation' && <Invitation />}
            {phase === 'preChat' && <PreChat />}
            {phase === 'chatWindow' && <ChatWindow />}
            {phase === 'offlineForm' && <OfflineForm />}
          </div>
        </section>
      )}
    </div>
  );
}
