import { useEffect, useRef, useState } from 'preact/hooks';
import { useT, useWidget } from './context';

const TYPING_IDLE_MS = 3000;

/** The message field: Enter sends; typing is announced when it starts and when it stops, never per key. */
export function Composer() {
  const widget = useWidget();
  const t = useT();
  const [text, setText] = useState('');
  const [sent, setSent] = useState(0);
  const field = useRef<HTMLTextAreaElement>(null);
  const typing = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const stopTyping = () => {
    clearTimeout(timer.current);
    if (typing.current) {
      typing.current = false;
      widget.typing(false);
    }
  };
  useEffect(() => stopTyping, []);

  // WebKit (Safari, every iOS webview) repaints a focused field emptied by script only where its
  // text was, leaving most of the placeholder unpainted until the field loses focus. Setting the
  // placeholder again once the empty field is on screen makes it paint the placeholder whole.
  useEffect(() => {
    const el = field.current;
    if (!sent || !el) return;
    const placeholder = el.getAttribute('placeholder') ?? '';
    el.removeAttribute('placeholder');
    el.setAttribute('placeholder', placeholder);
  }, [sent]);

  const onInput = (event: Event) => {
    setText((event.currentTarget as HTMLTextAreaElement).value);
    if (!typing.current) {
      typing.current = true;
      widget.typing(true);
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = (event?: Event) => {
    event?.preventDefault();
    if (!text.trim()) return;
    stopTyping();
    void widget.send(text);
    setText('');
    setSent((n) => n + 1);
  };

  return (
    <form class="composer" onSubmit={send}>
      <label for="message-field" class="visually-hidden">
        {t('messageLabel')}
      </label>
      <textarea
        ref={field}
        id="message-field"
        rows={1}
        value={text}
        placeholder={t('messageLabel')}
        onInput={onInput}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
        }}
      />
      <button type="submit" class="primary send">
        {t('sendButton')}
      </button>
    </form>
  );
}
